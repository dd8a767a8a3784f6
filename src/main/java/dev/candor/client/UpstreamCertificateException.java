package dev.candor.client;

import java.security.cert.CertificateException;

/** Candor's verdict on an upstream certificate, with the reason as a value rather than as message text. */
final class UpstreamCertificateException extends CertificateException {
    private static final long serialVersionUID = 1L;

    /** Why the certificate was refused. */
    enum Reason {
        EXPIRED, NOT_YET_VALID, UNTRUSTED_ISSUER, NAME_MISMATCH
    }

    private final Reason reason;

    UpstreamCertificateException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}

package dev.candor.proxy;

import dev.candor.client.FailureClassifier;
import dev.candor.client.TlsHandshakeFailure;
import dev.candor.client.UpstreamLimits;
import dev.candor.client.UpstreamListener;
import dev.candor.client.UpstreamStream;
import dev.candor.failure.Actor;
import dev.candor.failure.AttemptReport;
import dev.candor.failure.Cause;
import dev.candor.failure.ConnectionFacts;
import dev.candor.failure.Phase;
import dev.candor.failure.Signal;
import dev.candor.failure.Timings;
import dev.candor.observe.TraceEvent;
import dev.candor.upstream.Endpoint;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * One try of a request against one endpoint. It owns what happens on its upstream stream: it sends the
 * head, turns the stream's events (a response, a close, a reset, garbage) into {@link Cause}s itself, and
 * reports to its {@link Exchange}: a failure before its response was relayed goes to the
 * {@link Forwarder}, which decides whether to try again; the response goes to the exchange. Once ended it
 * reports nothing more, so a late event of an abandoned attempt cannot disturb the next one.
 */
final class Attempt implements UpstreamListener {
    private static final long NOT_REACHED = -1;

    /** Where the attempt is; each step only moves forward. */
    enum Step {
        /** Waiting for a connection (or stream) from the pool. */
        ACQUIRING,
        /** The request is going out. */
        SENDING,
        /** All of the request went out; the response head is due. */
        AWAITING_HEAD,
        /** The response head was accepted; its body is arriving. */
        RECEIVING,
        /** Over: failed, abandoned, or its response ended. */
        ENDED
    }

    private final Exchange exchange;
    final int number;
    final Endpoint endpoint;
    final boolean transparent;
    final long startedNanos;

    private Step step = Step.ACQUIRING;
    /** Interim (1xx) responses are read and dropped: Candor answers 100-continue itself. */
    private boolean skippingInterim;
    private boolean headWritten;

    UpstreamStream stream;
    String address;
    boolean reused;
    int requestsBefore;
    long idleMillis;
    long ageMillis;
    Actor closedBy;
    long acquiredNanos = NOT_REACHED;
    long connectNanos = NOT_REACHED;
    long tlsNanos = NOT_REACHED;
    long sentNanos = NOT_REACHED;
    long firstByteNanos = NOT_REACHED;
    long endedNanos = NOT_REACHED;
    /** Passive health has been told how this attempt went. */
    boolean judged;
    /** The endpoint's in-flight count no longer includes this attempt. */
    private boolean left;
    /** The upstream allows its connection to serve another request after this response. */
    boolean reusable;
    /** Response body bytes received. */
    long responseBytes;
    Integer status;
    /** What the pool learned about the endpoint's keep-alive timeout when this attempt took its connection. */
    String keepAliveNote;
    Cause cause;
    String detail;

    Attempt(Exchange exchange, int number, Endpoint endpoint, boolean transparent, long startedNanos) {
        this.exchange = exchange;
        this.number = number;
        this.endpoint = endpoint;
        this.transparent = transparent;
        this.startedNanos = startedNanos;
        endpoint.health().requestStarted();
    }

    Step step() {
        return step;
    }

    boolean isLive() {
        return step != Step.ENDED;
    }

    /**
     * The stream is bound and the head is written: body pieces can follow it (also while the response
     * already arrives: an upstream may answer before it has read the whole request).
     */
    boolean canTakeBody() {
        return (step == Step.SENDING || step == Step.RECEIVING) && headWritten && stream != null;
    }

    // ---- getting a stream and sending ---------------------------------------------------------

    /** The pool answered: send the head on the stream, or report why there is none. */
    void onAcquired(Future<? extends UpstreamStream> f) {
        if (!isLive()) {
            if (f.isSuccess()) {
                f.getNow().release(); // unused and clean
            }
            return;
        }
        if (f.isCancelled()) {
            return;
        }
        if (!f.isSuccess()) {
            if (f.cause() instanceof TlsHandshakeFailure tls) {
                connectNanos = tls.connectNanos();
                tlsNanos = tls.handshakeNanos();
            }
            Cause c = FailureClassifier.connectFailure(f.cause());
            exchange.trace.add(TraceEvent.CONNECT_FAILED, c.signal().name());
            FailureTexts.Text t = FailureTexts.connect(c, endpoint.label(), exchange.timeouts(),
                    exchange.upstream().config().pool());
            fail(new Fault(c, t.detail(), t.limit()));
            return;
        }
        bind(f.getNow());
        exchange.trace.add(reused ? TraceEvent.CONNECTION_REUSED : TraceEvent.CONNECTION_NEW, reused ? null : address);
        step = Step.SENDING;
        if (exchange.log.host == null) {
            // HTTP/1.0 without Host: what goes upstream is HTTP/1.1, which needs one (RFC 9112 §3.2)
            exchange.request.headers().set(HttpHeaderNames.HOST, endpoint.address().toString());
        }
        ChannelFuture head = stream.writeWithFuture(exchange.request);
        if (exchange.isRequestComplete()) {
            // A request without body (its end was already read), or a retry of one whose empty body end
            // the previous attempt consumed: head and end leave in one write.
            stream.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        stream.flush();
        head.addListener(w -> onHeadWritten((ChannelFuture) w));
    }

    /** Takes the stream and records what it was before this attempt. */
    private void bind(UpstreamStream s) {
        stream = s;
        s.lend(this);
        acquiredNanos = exchange.trace.elapsedNanos();
        address = s.remoteAddress();
        reused = s.isReused();
        requestsBefore = s.requestsBefore();
        idleMillis = s.idleNanosBeforeUse() / 1_000_000;
        ageMillis = s.ageNanos() / 1_000_000;
        keepAliveNote = reused ? s.keepAliveNote() : null;
        if (!reused) {
            connectNanos = s.connectNanos();
            tlsNanos = s.tlsNanos() < 0 ? NOT_REACHED : s.tlsNanos();
        }
    }

    private void onHeadWritten(ChannelFuture write) {
        if (step != Step.SENDING) {
            return;
        }
        if (!write.isSuccess()) {
            Cause c = FailureClassifier.connectionFailure(write.cause(), Phase.SEND);
            exchange.trace.add(TraceEvent.UPSTREAM_RESET, "write");
            closedBy = Actor.UPSTREAM;
            fail(new Fault(c, "writing the request to " + endpoint.label() + " failed: " + c.error()));
            return;
        }
        headWritten = true;
        sentNanos = exchange.trace.elapsedNanos();
        exchange.trace.add(TraceEvent.REQUEST_SENT);
        if (exchange.isRequestComplete()) {
            step = Step.AWAITING_HEAD;
        }
        exchange.attemptSending(this);
    }

    /** The last piece of the request was written to the stream: the response head is due now. */
    void requestSent() {
        if (step == Step.SENDING) {
            step = Step.AWAITING_HEAD;
        }
    }

    boolean headWritten() {
        return headWritten;
    }

    // ---- the stream's events ------------------------------------------------------------------

    @Override
    public void onResponseObject(HttpObject message) {
        if (!isLive()) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse response) {
            if (message.decoderResult().isFailure()) {
                ReferenceCountUtil.release(message);
                Cause c = FailureClassifier.malformedResponse(message.decoderResult().cause(), sendPhase());
                exchange.trace.add(TraceEvent.UPSTREAM_MALFORMED);
                String limit = c.signal() == Signal.HEADER_TOO_LARGE
                        ? "response header section > " + UpstreamLimits.MAX_RESPONSE_HEADER_SIZE / 1024 + " KiB limit" : null;
                fail(new Fault(c, "malformed response from " + endpoint.label() + ": " + c.error(), limit));
                return;
            }
            onResponseHead(response);
        } else if (message instanceof HttpContent content) {
            onResponseContent(content);
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    private void onResponseHead(HttpResponse response) {
        int code = response.status().code();
        if (code < 200 && code != 101) {
            skippingInterim = true; // interim responses are not relayed: Candor answers 100-continue itself
            return;
        }
        if (code == 101 && exchange.upgrade() == null) {
            fail(new Fault(new Cause(sendPhase(), Actor.UPSTREAM, Signal.MALFORMED, "101 without an upgrade request"),
                    endpoint.label() + " switched protocols without being asked"));
            return;
        }
        firstByteNanos = exchange.trace.elapsedNanos();
        status = code;
        reusable = HttpUtil.isKeepAlive(response);
        step = Step.RECEIVING;
        exchange.onResponseHead(this, response);
    }

    private void onResponseContent(HttpContent content) {
        if (skippingInterim || step != Step.RECEIVING) {
            if (content instanceof LastHttpContent) {
                skippingInterim = false;
            }
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            Throwable t = content.decoderResult().cause();
            content.release();
            Signal signal = t instanceof PrematureChannelClosureException ? Signal.CLOSED : Signal.MALFORMED;
            closedBy = signal == Signal.CLOSED ? Actor.UPSTREAM : null;
            broken(new Fault(new Cause(Phase.RECEIVE_BODY, Actor.UPSTREAM, signal, FailureClassifier.describe(t)),
                    "response body from " + endpoint.label() + " broke off after " + responseBytes + " bytes: "
                            + FailureClassifier.describe(t)));
            return;
        }
        responseBytes += content.content().readableBytes();
        exchange.onResponseContent(this, content);
    }

    @Override
    public void onUpstreamReadComplete() {
        if (step == Step.RECEIVING) {
            exchange.flushResponse();
        }
    }

    @Override
    public void onUpstreamWritabilityChanged(boolean writable) {
        if (writable && isLive()) {
            exchange.relay.upstreamWritable();
        }
    }

    @Override
    public void onUpstreamClosed() {
        stream = null;
        if (!isLive()) {
            return;
        }
        closedBy = Actor.UPSTREAM;
        exchange.trace.add(TraceEvent.UPSTREAM_CLOSED);
        if (step == Step.RECEIVING) {
            broken(new Fault(new Cause(Phase.RECEIVE_BODY, Actor.UPSTREAM, Signal.CLOSED, "connection closed"),
                    endpoint.label() + " closed the connection after " + responseBytes + " body bytes"));
            return;
        }
        // A TLS-only port closes a plain-HTTP connection without a word (OpenSSL, Java, Netty do).
        String hint = !reused && exchange.upstream().config().tls() == null
                ? " (a new connection: if that port speaks only HTTPS, set tls on upstream '"
                + exchange.upstream().name() + "')" : "";
        fail(new Fault(new Cause(sendPhase(), Actor.UPSTREAM, Signal.CLOSED, "connection closed"),
                endpoint.label() + " closed the connection before a complete response header" + hint));
    }

    @Override
    public void onUpstreamException(Throwable t) {
        if (!isLive()) {
            return;
        }
        boolean receiving = step == Step.RECEIVING;
        Cause c = FailureClassifier.connectionFailure(t, receiving ? Phase.RECEIVE_BODY : sendPhase());
        if (c.signal() == Signal.RESET) {
            closedBy = Actor.UPSTREAM;
            exchange.trace.add(TraceEvent.UPSTREAM_RESET);
        } else {
            exchange.trace.add(TraceEvent.UPSTREAM_MALFORMED, c.signal().name());
        }
        String d = "connection to " + endpoint.label() + ": " + c.error();
        if (receiving) {
            broken(new Fault(c, d + " after " + responseBytes + " body bytes"));
        } else {
            fail(new Fault(c, d));
        }
    }

    /** No response head within {@code timeoutNanos}, set by {@code which}. */
    void responseTimedOut(long timeoutNanos, String which) {
        exchange.trace.add(TraceEvent.TIMEOUT, "response");
        fail(new Fault(new Cause(Phase.AWAIT_HEADERS, Actor.PROXY, Signal.TIMED_OUT, null),
                endpoint.label() + " sent no response header within " + FailureTexts.millis(timeoutNanos),
                "no response header after " + FailureTexts.seconds(timeoutNanos) + " = " + which));
    }

    /** SEND while any of the request is still going out, AWAIT_HEADERS once all of it went. */
    private Phase sendPhase() {
        return step == Step.AWAITING_HEAD ? Phase.AWAIT_HEADERS : Phase.SEND;
    }

    // ---- endings ------------------------------------------------------------------------------

    /** Failed before its response was relayed: the forwarder decides what comes next. */
    void fail(Fault fault) {
        if (!isLive()) {
            return;
        }
        end(fault.cause(), fault.detail());
        discardStream();
        exchange.forwarder().attemptFailed(this, fault);
    }

    /** Failed after its response head was relayed: the exchange cuts the client's response. */
    private void broken(Fault fault) {
        exchange.responseBroken(this, fault);
    }

    /** Marks the attempt over with this outcome (null cause: the upstream answered); it reports no more. */
    void end(Cause c, String d) {
        if (!isLive()) {
            return;
        }
        step = Step.ENDED;
        if (c != null || d != null) {
            cause = c;
            detail = d;
        }
        endedNanos = exchange.trace.elapsedNanos();
        leave();
    }

    /** The attempt no longer occupies its endpoint (least_request counts in-flight attempts). */
    private void leave() {
        if (!left) {
            left = true;
            endpoint.health().requestFinished();
        }
    }

    /** Ends the attempt and closes its stream: its state is unknown or spent. */
    void abandon() {
        end(null, null);
        discardStream();
    }

    /** Closes the stream, never to be reused. */
    void discardStream() {
        UpstreamStream s = takeStream();
        if (s != null) {
            s.discard();
        }
    }

    /** The stream, detached from this attempt so a late event cannot reach it; null if none. */
    UpstreamStream takeStream() {
        UpstreamStream s = stream;
        stream = null;
        return s;
    }

    // ---- evidence -----------------------------------------------------------------------------

    AttemptReport report() {
        ConnectionFacts facts = acquiredNanos == NOT_REACHED ? null
                : new ConnectionFacts(reused, requestsBefore, idleMillis, ageMillis, closedBy);
        Timings timings = new Timings(ms(acquiredNanos), ms(connectNanos), ms(tlsNanos), ms(sentNanos), ms(firstByteNanos),
                ms(endedNanos));
        return new AttemptReport(number, endpoint.label(), address, status, cause, detail, facts, timings, transparent);
    }

    /** What a reused connection that ended under this attempt had been through, for the evidence. */
    String connectionHistory() {
        return new ConnectionFacts(true, requestsBefore, idleMillis, ageMillis, closedBy).describe();
    }

    /** TLS handshake time in milliseconds (until it failed, for a failed one), or null when there was none. */
    Double tlsMillis() {
        return ms(tlsNanos);
    }

    /** Connect time in milliseconds, or null when the connection was reused or never made. */
    Double connectMillis() {
        return ms(connectNanos);
    }

    private static Double ms(long nanos) {
        return nanos == NOT_REACHED ? null : Math.round(nanos / 1_000.0) / 1_000.0;
    }
}

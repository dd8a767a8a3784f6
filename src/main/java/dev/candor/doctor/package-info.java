/**
 * {@code candor doctor}: the 502 investigation run as checks, each with a verdict, evidence and a next
 * step. Probes endpoints from the proxy's host with the proxy's own client, DNS and classification code
 * (so the doctor and the proxy never disagree about an error), reads the access log with the proxy's own
 * parser and the admin API over HTTP, and the journal file read-only; may use Netty and the config, failure,
 * observe, event, journal, upstream, client and proxy layers, and the foreign layer's config readers for
 * {@code --from}. Only {@code cli} uses it.
 */
package dev.candor.doctor;

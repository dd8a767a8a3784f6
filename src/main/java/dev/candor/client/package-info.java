/** Talking to upstreams: per-event-loop connection pools, connecting, and the upstream pipeline (Netty). */
package dev.candor.client;

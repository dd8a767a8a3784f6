/**
 * The journal: failures, per-minute counts and events in one SQLite file that outlives restarts, written
 * off the event loops. May use config, event, failure and observe; no Netty.
 */
package dev.candor.journal;

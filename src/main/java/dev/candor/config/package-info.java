/** Immutable config records and the YAML loader that validates them with FILE:LINE:COL errors; no Netty. */
package dev.candor.config;

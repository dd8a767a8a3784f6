/** The closed vocabulary of failures (RFC 9209 error types) and their evidence; imports nothing of Candor's. */
package dev.candor.failure;

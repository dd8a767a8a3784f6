/**
 * Load-balancing algorithms, generic in the thing they pick so that {@code upstream} can use them
 * without a cycle; plain Java, never Netty.
 */
package dev.candor.balance;

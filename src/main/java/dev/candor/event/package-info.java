/** Events (reloads, health transitions, ejections, drains, DNS changes, starts and stops) and their sink; imports nothing of Candor. */
package dev.candor.event;

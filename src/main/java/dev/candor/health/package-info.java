/** Active health checks: probes each endpoint on a schedule with the client code real traffic uses. */
package dev.candor.health;

package dev.candor.config;

import java.util.List;

/**
 * A route's {@code access} rules: who may use it, by client address. A client in {@code deny} is refused
 * whatever {@code allow} says; with {@code allow} set, a client in none of its blocks is refused too.
 *
 * @param allow the blocks let in; empty = every address not denied
 * @param deny the blocks refused
 */
public record AccessConfig(List<Cidr> allow, List<Cidr> deny) {
    public AccessConfig {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }
}

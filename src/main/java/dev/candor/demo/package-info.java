/** Built-in misbehaving backends and the config that `candor demo` runs in front of them. */
package dev.candor.demo;

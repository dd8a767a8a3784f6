/** The picocli commands (run, check, demo, version); starts the server, never touches Netty directly. */
package dev.candor.cli;

/** The picocli commands (run, check, doctor, demo, version); starts the server or the doctor, never touches Netty directly. */
package dev.candor.cli;

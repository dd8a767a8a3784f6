/** Upstreams and their endpoints as the proxy sees them at run time; may use config and balance, never Netty. */
package dev.candor.upstream;

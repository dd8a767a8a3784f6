/**
 * Another proxy's configuration read as it is written (nginx's directives and blocks, {@code include} followed;
 * HAProxy's sections and keyword lines, {@code defaults} applied) and translated into a {@code candor.yaml} for
 * {@code candor import}; plain Java, never Netty, nothing of Candor's. Used by {@code cli} and by the doctor's
 * {@code --from}.
 */
package dev.candor.foreign;

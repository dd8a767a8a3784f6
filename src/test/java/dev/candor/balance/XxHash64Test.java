package dev.candor.balance;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class XxHash64Test {

    @Test
    void matchesThePublishedVectors() {
        assertThat(XxHash64.hash("")).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(XxHash64.hash("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(XxHash64.hash("abc")).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(XxHash64.hash("1234")).isEqualTo(0xD8316E61D84F6BA4L);
        assertThat(XxHash64.hash("12345678")).isEqualTo(0xD2D02F08CF7CFD4AL);
        assertThat(XxHash64.hash("123456789012345")).isEqualTo(0xC377D78ADE001A3CL);
        assertThat(XxHash64.hash("1234567890123456789012345678901")).isEqualTo(0x8F367CB873A5376EL);
    }

    @Test
    void inputsOfThirtyTwoBytesAndMoreTakeTheStripePath() {
        assertThat(XxHash64.hash("12345678901234567890123456789012")).isEqualTo(0x40FD1AA52D98274CL);
        assertThat(XxHash64.hash("Nobody inspects the spammish repetition")).isEqualTo(0xFBCEA83C8A378BF1L);
        assertThat(XxHash64.hash("The quick brown fox jumps over the lazy dog")).isEqualTo(0x0B242D361FDA71BCL);
        assertThat(XxHash64.hash("a".repeat(32))).isEqualTo(0x856E843298F99AD7L);
    }

    @Test
    void textBeyondAsciiIsHashedAsItsUtf8Bytes() {
        // from an independent implementation over the UTF-8 encoding
        assertThat(XxHash64.hash("café")).isEqualTo(0x9A40A9B974D85A6AL);
        assertThat(XxHash64.hash("ключ-сессии-😀")).isEqualTo(0xB70170011712BE24L);
    }

    @Test
    void anyCharSequenceWithTheSameTextHashesAlike() {
        assertThat(XxHash64.hash(new StringBuilder("203.0.113.7"))).isEqualTo(XxHash64.hash("203.0.113.7"));
    }
}

package dev.candor.proxy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdsTest {

    @Test
    void aSaneIncomingIdIsKept() {
        assertThat(RequestIds.choose("abc-123_x.y:z")).isEqualTo("abc-123_x.y:z");
    }

    @Test
    void anIdWithUnsafeCharactersOrTooLongIsReplacedByAGeneratedOne() {
        assertThat(RequestIds.choose("a b")).hasSize(32).matches("[0-9a-f]{32}");
        assertThat(RequestIds.choose("x".repeat(129))).hasSize(32);
        assertThat(RequestIds.choose("\"}{")).hasSize(32);
        assertThat(RequestIds.choose(null)).hasSize(32);
        assertThat(RequestIds.choose("x".repeat(128))).hasSize(128);
    }

    @Test
    void generatedIdsDiffer() {
        assertThat(RequestIds.generate()).isNotEqualTo(RequestIds.generate());
    }
}

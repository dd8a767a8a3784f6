package dev.candor.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SizesTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "4096, 4096",
            "512B, 512",
            "16KiB, 16384",
            "10MiB, 10485760",
            "2GiB, 2147483648",
            "16KB, 16000",
            "10MB, 10000000",
            "2GB, 2000000000",
            "8589934591GiB, 9223372035781033984",
    })
    void validSizesParse(String text, long bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "16kb    | '16kb' has an unknown unit 'kb' (use B, KiB, MiB, GiB, KB, MB or GB; units are case-sensitive)",
            "16kib   | '16kib' has an unknown unit 'kib' (use B, KiB, MiB, GiB, KB, MB or GB; units are case-sensitive)",
            "1TiB    | '1TiB' has an unknown unit 'TiB' (use B, KiB, MiB, GiB, KB, MB or GB; units are case-sensitive)",
            "-1      | '-1' is negative; sizes are 0 or more",
            "1.5MiB  | '1.5MiB' is not a size (use e.g. 512, 16KiB or 10MiB)",
            "10 MiB  | '10 MiB' is not a size (use e.g. 512, 16KiB or 10MiB)",
            "MiB     | 'MiB' is not a size (use e.g. 512, 16KiB or 10MiB)",
            "\"\"      | '' is not a size (use e.g. 512, 16KiB or 10MiB)",
            "8589934592GiB        | '8589934592GiB' is too large a size",
            "9223372036854775808  | '9223372036854775808' is too large a size",
    })
    void invalidSizesAreRejectedWithAHelpfulMessage(String text, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> Sizes.parse(text)).withMessage(message);
    }
}

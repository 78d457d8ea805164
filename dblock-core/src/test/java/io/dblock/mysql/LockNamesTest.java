package io.dblock.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.dblock.LockKey;
import org.junit.jupiter.api.Test;

class LockNamesTest {

    @Test
    void keysAreDatabasePrefixedAndTypeMarked() {
        assertThat(LockNames.name("shop", LockKey.of("invoice:42"))).isEqualTo("shop.invoice:42");
        assertThat(LockNames.name("shop", LockKey.of(-42L))).isEqualTo("shop.#-42");
        assertThat(LockNames.name("shop", LockKey.of(1, -2))).isEqualTo("shop.#1,-2");
    }

    @Test
    void namesUpTo64CharactersAreKept() {
        String key = "k".repeat(64 - "shop.".length());
        assertThat(LockNames.name("shop", LockKey.of(key)))
                .isEqualTo("shop." + key)
                .hasSize(64);
    }

    @Test
    void longerNamesBecomeADeterministic64CharacterHashedForm() {
        String key = "k".repeat(60);
        String name = LockNames.name("shop", LockKey.of(key));
        assertThat(name).hasSize(64).startsWith("shop.kkk").contains("~");
        assertThat(name.substring(32)).matches("[0-9a-f]{32}");
        assertThat(LockNames.name("shop", LockKey.of(key))).isEqualTo(name);
        assertThat(LockNames.name("shop", LockKey.of(key + "x"))).isNotEqualTo(name);
    }

    /** Golden values from {@code printf 'shop.kkk…' | sha256sum}: the scheme other languages can reproduce. */
    @Test
    void hashedFormIsTheFirst31CharactersAndSha256OfTheFullName() {
        assertThat(LockNames.name("shop", LockKey.of("k".repeat(60))))
                .isEqualTo("shop.kkkkkkkkkkkkkkkkkkkkkkkkkk~40f37a3df78695e7c43d611f5685b3ac");
    }

    @Test
    void hashedFormKeepsCaseLikeMariaDb() {
        String key = "Invoice-".repeat(10);
        assertThat(LockNames.name("shop", LockKey.of(key))).endsWith("~a89effabcfae2e11062520e3e5dff65c");
        assertThat(LockNames.name("shop", LockKey.of(key.toLowerCase(java.util.Locale.ROOT))))
                .isNotEqualToIgnoringCase(LockNames.name("shop", LockKey.of(key)));
    }

    @Test
    void namesStartingWithHashCannotPassForNumbers() {
        assertThat(LockNames.name("shop", LockKey.of("#5"))).isEqualTo("shop.##5");
        assertThat(LockNames.name("shop", LockKey.of(5L))).isEqualTo("shop.#5");
        assertThat(LockNames.decode("shop", "shop.##5")).contains(LockKey.of("#5"));
        assertThat(LockNames.decode("shop", "shop.#5")).contains(LockKey.of(5L));
        assertThat(LockNames.decode("shop", "shop.#-3,4")).contains(LockKey.of(-3, 4));
        assertThat(LockNames.decode("shop", "shop.job")).contains(LockKey.of("job"));
        assertThat(LockNames.decode("shop", "other.job")).isEmpty();
    }

    @Test
    void hashedNamesThisJvmMadeDecodeBackToTheKey() {
        String key = "report-" + "z".repeat(70);
        String hashed = LockNames.name("shop", LockKey.of(key));
        assertThat(LockNames.decode("shop", hashed)).contains(LockKey.of(key));
    }

    @Test
    void charactersNotBytesCountAndSurrogatePairsStayWhole() {
        String key = "é".repeat(59); // "shop." + 59 characters = 64 characters, 123 bytes: fits both servers
        assertThat(LockNames.name("shop", LockKey.of(key))).isEqualTo("shop." + key);
        String emoji = LockNames.name("shop", LockKey.of("🔒".repeat(40))); // 45 characters but 165 bytes: fits
        assertThat(emoji).isEqualTo("shop." + "🔒".repeat(40));
        String longer =
                LockNames.name("shop", LockKey.of("🔒".repeat(59))); // 64 characters, 241 bytes: MariaDB's limit
        assertThat(longer.codePointCount(0, longer.length())).isEqualTo(64);
        assertThat(longer).contains("~");
        assertThat(longer.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(192);
    }

    @Test
    void likeWildcardsInPrefixesAreEscaped() {
        assertThat(MySqlLockListing.escape("a%b_c!d")).isEqualTo("a!%b!_c!!d");
    }
}

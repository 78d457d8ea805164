package io.dblock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SystemTerminalTest {

    @Test
    void columnsMustBeAPositiveNumber() {
        assertThat(SystemTerminal.positive("132")).contains(132);
        assertThat(SystemTerminal.positive(" 80\n")).contains(80);
        assertThat(SystemTerminal.positive("0")).isEmpty();
        assertThat(SystemTerminal.positive("-1")).isEmpty();
        assertThat(SystemTerminal.positive("wide")).isEmpty();
        assertThat(SystemTerminal.positive("999999")).isEmpty();
        assertThat(SystemTerminal.positive(null)).isEmpty();
    }
}

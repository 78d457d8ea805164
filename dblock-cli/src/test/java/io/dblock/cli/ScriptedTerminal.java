package io.dblock.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Terminal} for in-process tests: a given environment, given lines on standard input, and a console only if
 * a password to type is given.
 */
final class ScriptedTerminal implements Terminal {

    private final Map<String, String> env = new HashMap<>();
    private final Deque<String> input = new ArrayDeque<>();
    private final List<String> passwordPrompts = new ArrayList<>();
    private final int width;
    private String password;

    ScriptedTerminal(int width) {
        this.width = width;
    }

    /** A terminal 120 columns wide with an empty environment and no input. */
    static ScriptedTerminal plain() {
        return new ScriptedTerminal(120);
    }

    ScriptedTerminal env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Gives the terminal a console on which {@code typed} is the answer to every password prompt. */
    ScriptedTerminal password(String typed) {
        this.password = typed;
        return this;
    }

    /** The prompts {@link #readPassword} was called with, in order. */
    List<String> passwordPrompts() {
        return passwordPrompts;
    }

    ScriptedTerminal input(String... lines) {
        input.addAll(List.of(lines));
        return this;
    }

    @Override
    public Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name));
    }

    @Override
    public Optional<String> readLine() {
        return Optional.ofNullable(input.poll());
    }

    @Override
    public Optional<char[]> readPassword(String prompt) {
        passwordPrompts.add(prompt);
        return Optional.ofNullable(password).map(String::toCharArray);
    }

    @Override
    public boolean interactive() {
        return false;
    }

    @Override
    public int width() {
        return width;
    }
}

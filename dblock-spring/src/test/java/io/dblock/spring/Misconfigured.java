package io.dblock.spring;

import io.dblock.spring.annotation.AdvisoryLock;
import io.dblock.spring.annotation.OnTimeout;
import io.dblock.spring.annotation.TableLock;

/** Beans whose annotations are wrong: each must stop the application context from starting. */
final class Misconfigured {

    private Misconfigured() {}

    static class SkipOnPrimitive {
        @AdvisoryLock(key = "'a'", onTimeout = OnTimeout.SKIP)
        public int count() {
            return 1;
        }
    }

    static class BadSyntax {
        @AdvisoryLock("'a' +")
        public void run() {}
    }

    static class NoKey {
        @AdvisoryLock
        public void run() {}
    }

    static class BadTimeout {
        @AdvisoryLock(key = "'a'", timeout = "two seconds")
        public void run() {}
    }

    static class NegativeTimeout {
        @AdvisoryLock(key = "'a'", timeout = "PT-1S")
        public void run() {}
    }

    static class NoTables {
        @TableLock
        public void run() {}
    }

    static class BadTableName {
        @TableLock("a.b.c")
        public void run() {}
    }
}

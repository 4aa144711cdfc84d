package dev.orquestra.spi;

import dev.orquestra.Diagnosis;

/** A debugger written as blocking code; the library runs it on its bounded blocking executor. */
@FunctionalInterface
public interface BlockingDebugger {

    Diagnosis diagnose(FailureReport report) throws Exception;
}

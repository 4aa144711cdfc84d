package dev.orquestra.spi;

import dev.orquestra.Verdict;

/** A validator written as blocking code; the library runs it on its bounded blocking executor. */
@FunctionalInterface
public interface BlockingValidator {

    Verdict validate(Submission submission) throws Exception;
}

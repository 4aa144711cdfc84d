package dev.orquestra.testkit;

import dev.orquestra.CardReport;

/** The entry point of Orquestra's AssertJ assertions; import it statically next to AssertJ's own. */
public final class OrquestraAssertions {

    private OrquestraAssertions() {
    }

    /** Assertions on a card, as {@code orquestra.card(id)} reports it. */
    public static CardAssert assertThat(CardReport card) {
        return new CardAssert(card);
    }
}

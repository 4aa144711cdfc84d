package dev.orquestra.internal.engine;

import dev.orquestra.internal.CborSerializable;

/** A card's summary as the orchestrator records it when the card settles or becomes active again. */
public record Settlement(String cardId, CardSummary summary) implements CborSerializable {
}

package dev.orquestra.internal.engine;

import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.Priority;
import dev.orquestra.Role;
import dev.orquestra.internal.CborSerializable;
import dev.orquestra.internal.Json;
import java.util.List;

/** A card spec as the orchestrator persists it; metadata is kept as JSON text so it round-trips exactly. */
public record SpecRecord(String id, String type, String title, String description, String owner, String priority,
                         List<String> dependencies, String metadataJson) implements CborSerializable {

    public static SpecRecord of(CardSpec s) {
        return new SpecRecord(s.id().value(), s.type(), s.title(), s.description(), s.owner().name(), s.priority().name(),
                s.dependencies().stream().map(CardId::value).toList(),
                s.metadata().isEmpty() ? null : Json.write(s.metadata()));
    }

    public CardSpec toSpec() {
        return new CardSpec(CardId.of(id), type, title, description, Role.of(owner), Priority.valueOf(priority),
                dependencies.stream().map(CardId::of).toList(),
                metadataJson == null ? java.util.Map.of() : Json.readObject(metadataJson));
    }
}

package dev.orquestra;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a card asks for: its id, owner role, priority, dependencies and description. Immutable.
 *
 * @param id           the card's id
 * @param type         the seed's {@code type} field (such as {@code ARCH}), or {@code ""} when absent
 * @param title        a one-line title, or {@code ""}
 * @param description  a longer description, or {@code ""}
 * @param owner        the role whose agents do the work
 * @param priority     how urgent it is
 * @param dependencies cards that must be APPROVED or DONE before this one starts; no duplicates
 * @param metadata     every other field of the card as read from the backlog, kept in order and
 *                     written back unchanged. Values are JSON values: {@code String}, {@code Number},
 *                     {@code Boolean}, {@code null}, {@code List} and {@code Map} of those.
 */
public record CardSpec(CardId id, String type, String title, String description, Role owner, Priority priority,
                       List<CardId> dependencies, Map<String, Object> metadata) {

    public CardSpec {
        Objects.requireNonNull(id, "id");
        type = type == null ? "" : type;
        title = title == null ? "" : title;
        description = description == null ? "" : description;
        Objects.requireNonNull(owner, () -> "owner of card " + id);
        priority = priority == null ? Priority.MEDIUM : priority;
        Objects.requireNonNull(dependencies, "dependencies");
        if (new LinkedHashSet<>(dependencies).size() != dependencies.size()) {
            throw new IllegalArgumentException("card " + id + " lists a dependency twice: " + dependencies);
        }
        dependencies = List.copyOf(dependencies);
        metadata = JsonValues.immutableObject(Objects.requireNonNull(metadata, "metadata"));
    }

    /** A builder for a card with the given id and owner; every other field has its default. */
    public static Builder builder(String id, Role owner) {
        return new Builder(CardId.of(id), owner);
    }

    /** A builder that starts from this card. */
    public Builder toBuilder() {
        Builder b = new Builder(id, owner);
        b.type = type;
        b.title = title;
        b.description = description;
        b.priority = priority;
        b.dependencies.addAll(dependencies);
        b.metadata.putAll(metadata);
        return b;
    }

    /** Builds a {@link CardSpec}; every setter returns the builder. */
    public static final class Builder {
        private final CardId id;
        private Role owner;
        private String type = "";
        private String title = "";
        private String description = "";
        private Priority priority = Priority.MEDIUM;
        private final List<CardId> dependencies = new ArrayList<>();
        private final Map<String, Object> metadata = new LinkedHashMap<>();

        private Builder(CardId id, Role owner) {
            this.id = id;
            this.owner = Objects.requireNonNull(owner, "owner");
        }

        public Builder owner(Role value) {
            this.owner = Objects.requireNonNull(value, "owner");
            return this;
        }

        public Builder type(String value) {
            this.type = Objects.requireNonNull(value, "type");
            return this;
        }

        public Builder title(String value) {
            this.title = Objects.requireNonNull(value, "title");
            return this;
        }

        public Builder description(String value) {
            this.description = Objects.requireNonNull(value, "description");
            return this;
        }

        public Builder priority(Priority value) {
            this.priority = Objects.requireNonNull(value, "priority");
            return this;
        }

        /** Adds dependencies by id. */
        public Builder dependsOn(String... ids) {
            for (String dep : ids) {
                dependencies.add(CardId.of(dep));
            }
            return this;
        }

        /** Adds dependencies. */
        public Builder dependsOn(List<CardId> ids) {
            dependencies.addAll(ids);
            return this;
        }

        /** Adds an opaque metadata field, kept and written back unchanged. */
        public Builder metadata(String key, Object value) {
            metadata.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        public CardSpec build() {
            return new CardSpec(id, type, title, description, owner, priority, dependencies,
                    Collections.unmodifiableMap(new LinkedHashMap<>(metadata)));
        }
    }
}

package dev.orquestra;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The role that owns a card's work, such as {@link #BACKEND}. Roles are an open set: the six
 * standard owner roles are constants, and users add their own with {@link #of(String)}.
 *
 * <p>A role name is upper case: letters, digits and {@code _}, starting with a letter.
 * {@code Role.of("data-eng")} is {@code DATA_ENG}.
 */
public final class Role implements Comparable<Role> {

    private static final Pattern VALID = Pattern.compile("[A-Z][A-Z0-9_]*");

    public static final Role PRODUCT = new Role("PRODUCT");
    public static final Role ARCHITECTURE = new Role("ARCHITECTURE");
    public static final Role FRONTEND = new Role("FRONTEND");
    public static final Role BACKEND = new Role("BACKEND");
    public static final Role QA = new Role("QA");
    public static final Role INFRA = new Role("INFRA");

    private static final List<Role> STANDARD = List.of(PRODUCT, ARCHITECTURE, FRONTEND, BACKEND, QA, INFRA);

    private final String name;

    private Role(String name) {
        this.name = name;
    }

    /**
     * Returns the role with the given name, upper-cased with {@code -} and spaces read as {@code _}.
     *
     * @throws IllegalArgumentException naming the value when it is not a valid role name
     */
    @JsonCreator
    public static Role of(String name) {
        Objects.requireNonNull(name, "role name");
        String normalized = normalize(name);
        if (!VALID.matcher(normalized).matches()) {
            throw new IllegalArgumentException("role name '" + name
                    + "' must be letters, digits and '_', starting with a letter");
        }
        for (Role standard : STANDARD) {
            if (standard.name.equals(normalized)) {
                return standard;
            }
        }
        return new Role(normalized);
    }

    static String normalize(String name) {
        return name.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    }

    /** The six standard owner roles, in the seed's order. */
    public static List<Role> standard() {
        return STANDARD;
    }

    /** The role's name. */
    @JsonValue
    public String name() {
        return name;
    }

    @Override
    public int compareTo(Role other) {
        return name.compareTo(other.name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Role other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}

package dev.orquestra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public surface of the library, as a user's compiler sees it: the public types of {@code
 * dev.orquestra} and {@code dev.orquestra.spi} (nested ones when every enclosing type is public too)
 * and their public and protected methods and constructors. {@code docs/api.md} lists every one of those
 * types with what it is for, and names no type that is not there; {@link #count()} gives the figures the
 * API work is measured by.
 */
class ApiSurfaceTest {

    private static final List<String> PACKAGES = List.of("dev.orquestra", "dev.orquestra.spi");
    private static final Pattern LISTED = Pattern.compile("^\\| `([A-Za-z][A-Za-z0-9.]*)`", Pattern.MULTILINE);

    /** The public surface: type names as written in code ({@code Orquestra.Review}) and member count. */
    record Surface(Set<String> types, int members) {
    }

    static Surface count() throws IOException, URISyntaxException {
        Path classes = Path.of(Orquestra.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> types = new TreeSet<>();
        int members = 0;
        for (String pkg : PACKAGES) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
            }
            for (Path file : files) {
                String name = file.getFileName().toString();
                Class<?> type;
                try {
                    type = Class.forName(pkg + "." + name.substring(0, name.length() - ".class".length()), false,
                            Orquestra.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
                if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic() || !visible(type)) {
                    continue;
                }
                types.add(type.getName().substring("dev.orquestra.".length()).replace('$', '.'));
                List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredConstructors()));
                for (Method m : type.getDeclaredMethods()) {
                    if (!m.isSynthetic() && !m.isBridge()
                            && !(type.isEnum() && (m.getName().equals("values") || m.getName().equals("valueOf")))) {
                        executables.add(m);
                    }
                }
                for (Executable e : executables) {
                    int mod = e.getModifiers();
                    boolean open = Modifier.isPublic(mod) || (Modifier.isProtected(mod) && !Modifier.isFinal(type.getModifiers()));
                    if (open && !e.isSynthetic() && !(type.isEnum() && e instanceof java.lang.reflect.Constructor)) {
                        members++;
                    }
                }
            }
        }
        return new Surface(types, members);
    }

    private static boolean visible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> listedInDocs() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "api.md"), StandardCharsets.UTF_8);
        Set<String> listed = new TreeSet<>();
        Matcher m = LISTED.matcher(doc);
        while (m.find()) {
            listed.add(m.group(1));
        }
        return listed;
    }

    @Test
    void docsApiListsEveryPublicTypeAndNoOther() throws Exception {
        Surface surface = count();
        System.out.printf("public API: %d types, %d public methods and constructors%n", surface.types().size(),
                surface.members());
        Set<String> listed = listedInDocs();
        Set<String> missing = new TreeSet<>(surface.types());
        missing.removeAll(listed);
        Set<String> gone = new TreeSet<>(listed);
        gone.removeAll(surface.types());
        assertThat(missing).as("public types docs/api.md does not list").isEmpty();
        assertThat(gone).as("types docs/api.md lists that are not public in dev.orquestra or dev.orquestra.spi").isEmpty();
    }

    @Test
    void internalTypesAreNotPartOfIt() throws Exception {
        assertThat(count().types()).doesNotContain("DependencyGraph", "CheckpointFormat", "BacklogParser", "SeedJson", "internal.backlog.DependencyGraph");
    }
}

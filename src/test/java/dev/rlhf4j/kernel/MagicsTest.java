package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MagicsTest {

    static final MagicParser PARSER = new MagicParser(Magics.LINE_MAGIC_START, Magics.CELL_MAGIC_START, new Magics.Transpiler());
    static final String LINE = "dev.rlhf4j.kernel.Magics.line(";

    @Test
    void lineMagicsBecomeCallsWithParsedArguments() {
        assertEquals(LINE + "\"jars\", java.util.List.of(\"lib/*.jar\", \"my dir/x.jar\"));",
                PARSER.resolveMagics("%jars lib/*.jar \"my dir/x.jar\""));
        assertEquals("int a = 1;\n" + LINE + "\"classpath\", java.util.List.of());\nint b = 2;",
                PARSER.resolveMagics("int a = 1;\n%classpath\nint b = 2;"));
        assertEquals("var cp =" + LINE + "\"classpath\", java.util.List.of());",
                PARSER.resolveMagics("var cp = %classpath"));
    }

    @Test
    void percentInsideCodeIsLeftAlone() {
        assertEquals("int r = 7 % 3;", PARSER.resolveMagics("int r = 7 % 3;"));
        assertEquals("String s = \"%jars x\";", PARSER.resolveMagics("String s = \"%jars x\";"));
    }

    @Test
    void cellMagicsBecomeCalls() {
        assertEquals("dev.rlhf4j.kernel.Magics.cell(\"html\", java.util.List.of(), \"<b>x</b>\");",
                PARSER.resolveMagics("%%html\n<b>x</b>"));
    }

    @Test
    void javaStringEscapes() {
        assertEquals("\"a\\\"b\\\\c\\nd\"", Magics.Transpiler.javaString("a\"b\\c\nd"));
    }

    @Test
    void magicsOutsideAKernelFailClearly() {
        Magics.MagicError e = assertThrows(Magics.MagicError.class, () -> Magics.line("jars", List.of("x.jar")));
        assertEquals("%jars needs a running notebook kernel", e.getMessage());
    }

    @Test
    void globsFindJars(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("lib/sub"));
        for (String f : List.of("lib/a.jar", "lib/b.jar", "lib/notes.txt", "lib/sub/c.jar")) {
            Files.writeString(dir.resolve(f), "");
        }
        assertEquals(List.of(dir.resolve("lib/a.jar"), dir.resolve("lib/b.jar")), Magics.glob(dir + "/lib/*.jar"));
        assertEquals(List.of(dir.resolve("lib/a.jar"), dir.resolve("lib/b.jar"), dir.resolve("lib/sub/c.jar")),
                Magics.glob(dir + "/lib/**.jar"));
        assertEquals(List.of(), Magics.glob(dir + "/nothing/*.jar"));
        assertEquals(4 - 1, Magics.expand(dir.resolve("lib").toString()).size(), "a folder gives its files");
    }

    @Test
    void jarsMagicAddsAJarTheNextCellCanUse(@TempDir Path dir) throws Exception {
        Path jar = jarWithClass(dir, "demo.Greeter", "package demo; public class Greeter { public static String hi() { return \"hi from a jar\"; } }");
        try (JavaShell shell = new JavaShell()) {
            Magics.jars(shell, List.of(dir + "/*.jar"));
            assertEquals(List.of(jar.toString()), shell.addedClasspath());
            assertEquals("hi from a jar", shell.eval("demo.Greeter.hi()", 1));
            Magics.MagicError e = assertThrows(Magics.MagicError.class, () -> Magics.jars(shell, List.of(dir + "/none/*.jar")));
            assertTrue(e.getMessage().startsWith("%jars: no jar matches"), e.getMessage());
        }
    }

    @Test
    void mavenCoordinatesAreChecked() {
        String pom = MavenArtifacts.pom(List.of("org.example:lib:1.2", "org.example:natives:2.0:linux-x86_64"));
        assertTrue(pom.contains("<groupId>org.example</groupId><artifactId>lib</artifactId><version>1.2</version></dependency>"), pom);
        assertTrue(pom.contains("<classifier>linux-x86_64</classifier>"), pom);
        Magics.MagicError e = assertThrows(Magics.MagicError.class, () -> MavenArtifacts.pom(List.of("just-a-name")));
        assertTrue(e.getMessage().contains("expected GROUP:ARTIFACT:VERSION"), e.getMessage());
        assertEquals("tablesaw-core", MavenArtifacts.artifactOf("/x/tablesaw-core-0.44.4.jar"));
        assertEquals("pytorch-native-cpu", MavenArtifacts.artifactOf("lib/pytorch-native-cpu-2.7.1-linux-x86_64.jar"));
        assertEquals("classes", MavenArtifacts.artifactOf("target/classes"));
    }

    @Test
    void mavenFindsArtifactsInTheLocalRepository() {
        Path repo = Path.of(System.getProperty("user.home"), ".m2/repository");
        boolean mvnOnPath = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "mvn")));
        assumeTrue(mvnOnPath && Files.isDirectory(repo.resolve("org/apache/maven/plugins/maven-dependency-plugin/3.8.1"))
                && Files.isDirectory(repo.resolve("org/apache/commons/commons-math3/3.6.1")),
                "skipped: needs mvn on the PATH and the dependency plugin 3.8.1 and commons-math3 in ~/.m2");
        MavenArtifacts.Resolution r = MavenArtifacts.resolve(List.of("org.apache.commons:commons-math3:3.6.1"));
        assertEquals(List.of(), r.added(), "commons-math3 (a Tablesaw dependency) is on the classpath already");
        assertEquals("commons-math3-3.6.1.jar", r.skipped().get(0).getFileName().toString());
    }

    /** Compiles {@code source} and packs it into {@code dir/NAME.jar}. */
    static Path jarWithClass(Path dir, String className, String source) throws IOException {
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src);
        Files.createDirectories(classes);
        Path file = src.resolve(className.substring(className.lastIndexOf('.') + 1) + ".java");
        Files.writeString(file, source);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), file.toString());
        assertEquals(0, rc);
        Path jar = dir.resolve("greeter.jar");
        String entry = className.replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Files.readAllBytes(classes.resolve(entry)));
            out.closeEntry();
        }
        return jar;
    }
}

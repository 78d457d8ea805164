package io.dblock.testing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Lists the public API of some packages as sorted text: every public or protected type, constructor, method (with its
 * generic signature and checked exceptions), field and enum constant, one line each, members indented under their
 * type.
 *
 * <p>The listing is built from {@code java.lang.reflect} data only, never from JDK {@code toString} forms, so it is
 * the same on every JDK: synthetic and bridge members are left out, types are sorted by binary name, members by kind
 * and text. Protected members of final classes are not API and are left out. Subpackages are not included; name each
 * package to list.
 *
 * <p>Not for users: the build's API-compatibility check ({@link ApiBaseline}) uses it.
 */
public final class ApiListing {

    private ApiListing() {}

    /**
     * Lists the API of {@code packages} whose classes are in the class-path root (directory or jar) that holds {@code
     * anchor}, loaded through {@code anchor}'s class loader.
     */
    public static List<String> of(Class<?> anchor, List<String> packages) {
        try {
            Path root = Path.of(
                    anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            return of(root, anchor.getClassLoader(), packages);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("Cannot locate the classes of " + anchor, e);
        }
    }

    /** Lists the API of {@code packages} whose class files are in {@code root}, loaded through {@code loader}. */
    public static List<String> of(Path root, ClassLoader loader, List<String> packages) {
        List<Class<?>> types = new ArrayList<>();
        for (String pkg : packages) {
            for (String name : topLevelClassNames(root, pkg)) {
                try {
                    Class<?> type = Class.forName(name, false, loader);
                    if (Modifier.isPublic(type.getModifiers())) {
                        collect(type, types);
                    }
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("Class file without a class: " + name, e);
                }
            }
        }
        types.sort(Comparator.comparing(Class::getName));
        List<String> lines = new ArrayList<>();
        for (Class<?> type : types) {
            if (!lines.isEmpty()) {
                lines.add("");
            }
            lines.add(header(type));
            members(type).forEach(member -> lines.add("  " + member));
        }
        return lines;
    }

    private static List<String> topLevelClassNames(Path root, String pkg) {
        if (Files.isDirectory(root)) {
            Path dir = root.resolve(pkg.replace('.', '/'));
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(file -> file.getFileName().toString())
                        .filter(ApiListing::isTopLevelClassFile)
                        .map(file -> pkg + "." + file.substring(0, file.length() - ".class".length()))
                        .sorted()
                        .collect(Collectors.toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(root.toFile())) {
            String prefix = pkg.replace('.', '/') + "/";
            return jar.stream()
                    .map(java.util.jar.JarEntry::getName)
                    .filter(entry -> entry.startsWith(prefix)
                            && entry.indexOf('/', prefix.length()) < 0
                            && isTopLevelClassFile(entry.substring(prefix.length())))
                    .map(entry -> entry.substring(0, entry.length() - ".class".length())
                            .replace('/', '.'))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isTopLevelClassFile(String file) {
        return file.endsWith(".class")
                && file.indexOf('$') < 0
                && !file.equals("package-info.class")
                && !file.equals("module-info.class");
    }

    private static void collect(Class<?> type, List<Class<?>> types) {
        if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
            return;
        }
        types.add(type);
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (isApi(nested.getModifiers(), type)) {
                collect(nested, types);
            }
        }
    }

    /** Public, or protected in a class that can be subclassed. */
    private static boolean isApi(int modifiers, Class<?> owner) {
        return Modifier.isPublic(modifiers)
                || (Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers()));
    }

    // ---- types

    private static String header(Class<?> type) {
        StringBuilder out = new StringBuilder();
        if (type.isAnnotation()) {
            out.append(metaAnnotations(type));
        }
        int mod = type.getModifiers();
        out.append(Modifier.isPublic(mod) ? "public " : "protected ");
        boolean plainClass = !type.isInterface() && !type.isEnum() && !type.isRecord();
        if (plainClass && type.isMemberClass() && Modifier.isStatic(mod)) {
            out.append("static ");
        }
        if (plainClass && Modifier.isAbstract(mod)) {
            out.append("abstract ");
        }
        if (plainClass && Modifier.isFinal(mod)) {
            out.append("final ");
        }
        if (!type.isEnum() && type.isSealed()) {
            out.append("sealed ");
        }
        out.append(
                type.isAnnotation()
                        ? "@interface "
                        : type.isInterface()
                                ? "interface "
                                : type.isEnum() ? "enum " : type.isRecord() ? "record " : "class ");
        out.append(type.getName()).append(typeParameters(type.getTypeParameters()));
        Type superclass = type.getGenericSuperclass();
        if (plainClass && superclass != null && superclass != Object.class) {
            out.append(" extends ").append(name(superclass));
        }
        if (!type.isAnnotation()) {
            Type[] interfaces = type.getGenericInterfaces();
            if (interfaces.length > 0) {
                out.append(type.isInterface() ? " extends " : " implements ");
                out.append(Arrays.stream(interfaces).map(ApiListing::name).collect(Collectors.joining(", ")));
            }
        }
        return out.toString();
    }

    private static String metaAnnotations(Class<?> type) {
        StringBuilder out = new StringBuilder();
        Retention retention = type.getAnnotation(Retention.class);
        if (retention != null) {
            out.append("@Retention(").append(retention.value().name()).append(") ");
        }
        Target target = type.getAnnotation(Target.class);
        if (target != null) {
            out.append("@Target({")
                    .append(Arrays.stream(target.value()).map(Enum::name).collect(Collectors.joining(", ")))
                    .append("}) ");
        }
        if (type.isAnnotationPresent(Inherited.class)) {
            out.append("@Inherited ");
        }
        Repeatable repeatable = type.getAnnotation(Repeatable.class);
        if (repeatable != null) {
            out.append("@Repeatable(").append(repeatable.value().getName()).append(".class) ");
        }
        return out.toString();
    }

    // ---- members

    private static List<String> members(Class<?> type) {
        List<String[]> members = new ArrayList<>(); // {sort group, text}
        for (Field field : type.getDeclaredFields()) {
            if (field.isSynthetic() || !isApi(field.getModifiers(), type)) {
                continue;
            }
            if (field.isEnumConstant()) {
                members.add(new String[] {"0", "enum constant " + field.getName()});
            } else {
                members.add(new String[] {
                    "1", modifiers(field.getModifiers(), false) + name(field.getGenericType()) + " " + field.getName()
                });
            }
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (!constructor.isSynthetic() && isApi(constructor.getModifiers(), type)) {
                members.add(new String[] {"2", executable(constructor, "<init>")});
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (method.isSynthetic() || method.isBridge() || !isApi(method.getModifiers(), type)) {
                continue;
            }
            StringBuilder text = new StringBuilder(executable(method, method.getName()));
            Object defaultValue = method.getDefaultValue();
            if (defaultValue != null) {
                text.append(" default ").append(value(defaultValue));
            }
            members.add(new String[] {"3", text.toString()});
        }
        return members.stream()
                .sorted(Comparator.<String[], String>comparing(member -> member[0])
                        .thenComparing(member -> member[1]))
                .map(member -> member[1])
                .collect(Collectors.toList());
    }

    private static String executable(Executable executable, String name) {
        StringBuilder out = new StringBuilder(modifiers(executable.getModifiers(), true));
        if (executable instanceof Method) {
            Method method = (Method) executable;
            if (method.isDefault()) {
                out.append("default ");
            }
            String typeParameters = typeParameters(method.getTypeParameters());
            if (!typeParameters.isEmpty()) {
                out.append(typeParameters).append(' ');
            }
            out.append(name(method.getGenericReturnType())).append(' ');
        } else {
            String typeParameters = typeParameters(executable.getTypeParameters());
            if (!typeParameters.isEmpty()) {
                out.append(typeParameters).append(' ');
            }
        }
        out.append(name).append('(');
        // An inner class's constructor has the outer instance in getParameterTypes() and, when it has a generic
        // signature, not in getGenericParameterTypes(): take the erased types whenever the two disagree.
        Type[] parameters = executable.getGenericParameterTypes();
        if (parameters.length != executable.getParameterCount()) {
            parameters = executable.getParameterTypes();
        }
        for (int i = 0; i < parameters.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            String parameter = name(parameters[i]);
            if (executable.isVarArgs() && i == parameters.length - 1 && parameter.endsWith("[]")) {
                parameter = parameter.substring(0, parameter.length() - 2) + "...";
            }
            out.append(parameter);
        }
        out.append(')');
        Type[] exceptions = executable.getGenericExceptionTypes();
        if (exceptions.length > 0) {
            out.append(" throws ")
                    .append(Arrays.stream(exceptions)
                            .map(ApiListing::name)
                            .sorted()
                            .collect(Collectors.joining(", ")));
        }
        return out.toString();
    }

    private static String modifiers(int mod, boolean executable) {
        StringBuilder out = new StringBuilder();
        out.append(Modifier.isPublic(mod) ? "public " : "protected ");
        if (Modifier.isStatic(mod)) {
            out.append("static ");
        }
        if (executable && Modifier.isAbstract(mod)) {
            out.append("abstract ");
        }
        if (Modifier.isFinal(mod)) {
            out.append("final ");
        }
        return out.toString();
    }

    // ---- types in signatures

    private static String typeParameters(TypeVariable<?>[] variables) {
        if (variables.length == 0) {
            return "";
        }
        return Arrays.stream(variables)
                .map(variable -> {
                    Type[] bounds = variable.getBounds();
                    if (bounds.length == 1 && bounds[0] == Object.class) {
                        return variable.getName();
                    }
                    return variable.getName() + " extends "
                            + Arrays.stream(bounds).map(ApiListing::name).collect(Collectors.joining(" & "));
                })
                .collect(Collectors.joining(", ", "<", ">"));
    }

    /** The type as source-like text with binary class names, built without any JDK {@code toString}. */
    static String name(Type type) {
        if (type instanceof Class) {
            Class<?> c = (Class<?>) type;
            return c.isArray() ? name(c.getComponentType()) + "[]" : c.getName();
        }
        if (type instanceof ParameterizedType) {
            ParameterizedType parameterized = (ParameterizedType) type;
            Class<?> raw = (Class<?>) parameterized.getRawType();
            Type owner = parameterized.getOwnerType();
            String base = owner instanceof ParameterizedType ? name(owner) + "$" + raw.getSimpleName() : raw.getName();
            return base
                    + Arrays.stream(parameterized.getActualTypeArguments())
                            .map(ApiListing::name)
                            .collect(Collectors.joining(", ", "<", ">"));
        }
        if (type instanceof WildcardType) {
            WildcardType wildcard = (WildcardType) type;
            if (wildcard.getLowerBounds().length > 0) {
                return "? super " + name(wildcard.getLowerBounds()[0]);
            }
            Type[] upper = wildcard.getUpperBounds();
            return upper.length == 0 || upper[0] == Object.class ? "?" : "? extends " + name(upper[0]);
        }
        if (type instanceof TypeVariable) {
            return ((TypeVariable<?>) type).getName();
        }
        if (type instanceof GenericArrayType) {
            return name(((GenericArrayType) type).getGenericComponentType()) + "[]";
        }
        throw new IllegalArgumentException("Unknown kind of type: " + type.getClass());
    }

    /** An annotation element's default value as source-like text. */
    private static String value(Object value) {
        if (value instanceof String) {
            return quote((String) value, '"');
        }
        if (value instanceof Character) {
            return quote(String.valueOf(value), '\'');
        }
        if (value instanceof Class) {
            return name((Class<?>) value) + ".class";
        }
        if (value instanceof Enum) {
            Enum<?> constant = (Enum<?>) value;
            return constant.getDeclaringClass().getName() + "." + constant.name();
        }
        if (value instanceof Annotation) {
            Annotation annotation = (Annotation) value;
            Class<? extends Annotation> type = annotation.annotationType();
            return "@" + type.getName()
                    + Arrays.stream(type.getDeclaredMethods())
                            .filter(element -> !element.isSynthetic())
                            .sorted(Comparator.comparing(Method::getName))
                            .map(element -> element.getName() + "=" + value(invoke(element, annotation)))
                            .collect(Collectors.joining(", ", "(", ")"));
        }
        if (value.getClass().isArray()) {
            List<String> elements = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                elements.add(value(Array.get(value, i)));
            }
            return elements.stream().collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof Long) {
            return value + "L";
        }
        if (value instanceof Float) {
            return value + "f";
        }
        return String.valueOf(value); // Integer, Short, Byte, Double, Boolean
    }

    private static Object invoke(Method element, Annotation annotation) {
        try {
            element.setAccessible(true);
            return element.invoke(annotation);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot read " + element + " of " + annotation.annotationType(), e);
        }
    }

    private static String quote(String text, char quote) {
        StringBuilder out = new StringBuilder().append(quote);
        for (char c : text.toCharArray()) {
            if (c == quote || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(quote).toString();
    }
}

package io.jaio.cli;

import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line's arguments, parsed by a few lines of its own rather than a library: a short
 * command ({@code treescan}, {@code cp}) spends most of its life starting, and an annotation-driven
 * parser cost about 0.1 s of a 0.45 s {@code treescan /usr} in reflection and in compiling itself.
 *
 * <p>The syntax is GNU's: {@code --name value} or {@code --name=value}, short flags clustered
 * ({@code -rf}), a short option's value attached or next ({@code -n5}, {@code -n 5}), {@code --}
 * ending the options, {@code -} alone a positional argument. An option's value is the next
 * argument whatever it looks like ({@code --maxreq -1} is a value, refused by its range). Every
 * command has {@code -h/--help} and {@code -V/--version}. Anything wrong is a {@link Usage}
 * (exit status 2) raised before the command touches a file.
 */
final class Args {
    /** A usage error: exit status 2, the message on stderr with a pointer to --help. */
    static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message, null, false, false);
        }
    }

    /** One option: its names (short ones first), its value's label ({@code null} for a flag), its help. */
    record Option(List<String> names, String label, String help) {
        boolean flag() {
            return label == null;
        }
    }

    /** Positional parameters: their label, how many at least and at most, their help. */
    record Params(String label, int min, int max, String help) {}

    /** A command's syntax: its name, paragraphs of description, options and positional parameters. */
    record Syntax(String name, List<String> description, List<Option> options, List<Params> params) {
        /** The option called {@code name}, or null. */
        Option option(String name) {
            for (Option o : options) {
                if (o.names.contains(name)) {
                    return o;
                }
            }
            return null;
        }
    }

    static Option flag(String help, String... names) {
        return new Option(List.of(names), null, help);
    }

    static Option valued(String label, String help, String... names) {
        return new Option(List.of(names), label, help);
    }

    static final Option HELP = flag("Show this help message and exit.", "-h", "--help");
    static final Option VERSION = flag("Print version information and exit.", "-V", "--version");

    private final Syntax syntax;
    /** Each option given, by its first name: the value (the last one given), or "" for a flag. */
    private final Map<String, String> given = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args(Syntax syntax) {
        this.syntax = syntax;
    }

    /** Parses {@code args} against {@code syntax}; -h and -V are reported by {@link #has}. */
    static Args parse(Syntax syntax, String... args) {
        Args a = new Args(syntax);
        int i = 0;
        for (; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                Option o = a.known(name);
                if (o.flag()) {
                    if (eq >= 0) {
                        throw new Usage("option '" + name + "' takes no value");
                    }
                    a.given.put(o.names.get(0), "");
                } else if (eq >= 0) {
                    a.given.put(o.names.get(0), arg.substring(eq + 1));
                } else {
                    a.given.put(o.names.get(0), a.value(name, args, ++i));
                }
            } else if (arg.length() > 1 && arg.charAt(0) == '-') {
                // A cluster of short options: flags, then at most one that takes the rest as its value.
                for (int c = 1; c < arg.length(); c++) {
                    String name = "-" + arg.charAt(c);
                    Option o = a.known(name);
                    if (o.flag()) {
                        a.given.put(o.names.get(0), "");
                    } else {
                        a.given.put(o.names.get(0), c + 1 < arg.length() ? arg.substring(c + 1) : a.value(name, args, ++i));
                        break;
                    }
                }
            } else {
                a.positional.add(arg);
            }
        }
        a.positional.addAll(Arrays.asList(args).subList(Math.min(i, args.length), args.length));
        if (a.has(HELP) || a.has(VERSION)) {
            return a;    // the caller answers those whatever else is wrong
        }
        int min = 0, max = 0;
        List<String> labels = new ArrayList<>();
        for (Params p : syntax.params) {
            min += p.min;
            max = max == Integer.MAX_VALUE || p.max == Integer.MAX_VALUE ? Integer.MAX_VALUE : max + p.max;
            for (int n = 0; n < p.min; n++) {
                labels.add("'" + p.label + "'");
            }
        }
        if (a.positional.size() < min) {
            List<String> missing = labels.subList(a.positional.size(), min);
            throw new Usage("missing required parameter" + (missing.size() > 1 ? "s" : "") + ": " + String.join(", ", missing));
        }
        if (a.positional.size() > max) {
            throw new Usage("unexpected argument" + (a.positional.size() - max > 1 ? "s" : "") + ": '"
                    + String.join("', '", a.positional.subList(max, a.positional.size())) + "'");
        }
        return a;
    }

    private Option known(String name) {
        Option o = syntax.option(name);
        if (o == null) {
            o = HELP.names.contains(name) ? HELP : VERSION.names.contains(name) ? VERSION : null;
        }
        if (o == null) {
            throw new Usage("unknown option: '" + name + "'");
        }
        return o;
    }

    private String value(String name, String[] args, int i) {
        if (i >= args.length) {
            throw new Usage("missing value for option '" + name + "'");
        }
        return args[i];
    }

    /** Whether {@code o} was given. */
    boolean has(Option o) {
        return given.containsKey(o.names.get(0));
    }

    /** The positional arguments, in order. */
    List<String> positional() {
        return positional;
    }

    /** {@code o}'s value, or {@code otherwise} when it was not given. */
    String string(Option o, String otherwise) {
        return given.getOrDefault(o.names.get(0), otherwise);
    }

    /** {@code o}'s value as an int in {@code min..max}, or {@code otherwise} when it was not given. */
    int integer(Option o, int otherwise, int min, int max) {
        String v = given.get(o.names.get(0));
        int n = otherwise;
        if (v != null) {
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new Usage("invalid value for option '" + longest(o) + "': '" + v + "' is not an int");
            }
        }
        if (n < min || n > max) {
            throw new Usage(longest(o) + " must be in " + min + ".." + max + ", was " + n);
        }
        return n;
    }

    /** {@code o}'s value as a constant of {@code type} (exact name), or {@code otherwise}. */
    <E extends Enum<E>> E choice(Option o, Class<E> type, E otherwise) {
        String v = given.get(o.names.get(0));
        if (v == null) {
            return otherwise;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(v)) {
                return e;
            }
        }
        throw new Usage("invalid value for option '" + longest(o) + "': expected one of "
                + Arrays.toString(type.getEnumConstants()) + " but was '" + v + "'");
    }

    /** {@code p} as a path: refused when empty (it would mean the current directory, or "/" once joined) or not a path. */
    static String path(String what, String p) {
        if (p.isEmpty()) {
            throw new Usage(what + " must not be empty");
        }
        try {
            Path.of(p);
        } catch (InvalidPathException e) {
            throw new Usage(what + ": " + e.getMessage());
        }
        return p;
    }

    private static String longest(Option o) {
        return o.names.get(o.names.size() - 1);
    }

    /** Writes {@code syntax}'s help: usage line, description, then parameters and options, at 80 columns. */
    static void help(Syntax syntax, PrintStream out) {
        StringBuilder usage = new StringBuilder("Usage: jaio ").append(syntax.name).append(" [OPTIONS]");    // -h, -V at least
        for (Params p : syntax.params) {
            String one = p.max > 1 ? p.label + "..." : p.label;
            usage.append(' ').append(p.min == 0 ? "[" + one + "]" : one);
        }
        out.println(usage);
        for (String paragraph : syntax.description) {
            out.println();
            wrap(out, "", paragraph, 0);
        }
        out.println();
        List<String[]> rows = new ArrayList<>();
        for (Params p : syntax.params) {
            rows.add(new String[] {"      " + (p.max > 1 ? p.label + "..." : p.label), p.help});
        }
        List<Option> options = new ArrayList<>(syntax.options);
        options.add(HELP);
        options.add(VERSION);
        for (Option o : options) {
            String first = o.names.get(0);
            String left = first.length() == 2 ? "  " + String.join(", ", o.names) : "      " + String.join(", ", o.names);
            rows.add(new String[] {o.flag() ? left : left + "=" + o.label, o.help});
        }
        int width = 0;
        for (String[] r : rows) {
            width = Math.max(width, r[0].length());
        }
        width = Math.min(width + 2, 32);
        for (String[] r : rows) {
            String left = r[0];
            if (left.length() + 2 > width) {
                out.println(left);
                left = "";
            }
            wrap(out, left + " ".repeat(width - left.length()), r[1], width);
        }
    }

    /** Prints {@code text} after {@code first}, wrapped at 80 columns, continuation lines indented by {@code indent}. */
    private static void wrap(PrintStream out, String first, String text, int indent) {
        StringBuilder line = new StringBuilder(first);
        int start = line.length();
        for (String word : text.split(" ")) {
            if (line.length() > start && line.length() + 1 + word.length() > 80) {
                out.println(line);
                line.setLength(0);
                line.append(" ".repeat(indent));
                start = indent;
            }
            if (line.length() > start) {
                line.append(' ');
            }
            line.append(word);
        }
        out.println(line);
    }

    /** The message of a usage error as printed: "jaio CMD: message" and where help is. */
    static void explain(Usage u, String command, PrintStream err) {
        String where = command == null ? "jaio" : "jaio " + command;
        err.println("jaio: " + (command == null ? "" : command + ": ") + u.getMessage());    // as a failure's lines
        err.println("Try '" + where + " --help' for more information.");
    }
}

// The reference for pattern semantics: java.util.regex, which AWS's models are written for.
// Reads lines "<pattern hex>\t<input hex>" (UTF-8, hex-encoded) and prints, per line, 1 when
// Pattern.compile(pattern).matcher(input).find() is true, 0 when false, E when the pattern does
// not compile, and T when the match ran past the time limit (the one argument, in milliseconds;
// 1000 without it): java.util.regex backtracks, exponentially on patterns like
// ^[a-z0-9]([-a-z0-9]*[a-z0-9]){0,39}?$, and has no time limit of its own.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public class PatternOracle {
    /** Thrown out of a match whose time is up. */
    static final class TimedOut extends RuntimeException {
        TimedOut() {
            super(null, null, false, false);
        }
    }

    /**
     * The input as the matcher reads it: every step of a match reads characters, so charAt
     * failing once the deadline has passed bounds the match.
     */
    static final class Deadline implements CharSequence {
        private final String text;
        private final long deadline;
        private int reads;

        Deadline(String text, long deadline) {
            this.text = text;
            this.deadline = deadline;
        }

        @Override
        public char charAt(int index) {
            // The clock is read every 1024 characters: cheap, and still within microseconds.
            if ((++reads & 1023) == 0 && System.nanoTime() - deadline > 0) {
                throw new TimedOut();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadline(text.substring(start, end), deadline);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static String decode(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        long limit = 1_000_000L * (args.length > 0 ? Long.parseLong(args[0]) : 1000);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        Map<String, Pattern> compiled = new HashMap<>();
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split("\t", -1);
            String pattern = decode(parts[0]);
            Pattern p = compiled.get(pattern);
            if (p == null && !compiled.containsKey(pattern)) {
                try {
                    p = Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    p = null;
                }
                compiled.put(pattern, p);
            }
            if (p == null) {
                out.append("E\n");
                continue;
            }
            Deadline input = new Deadline(decode(parts[1]), System.nanoTime() + limit);
            try {
                out.append(p.matcher(input).find() ? "1\n" : "0\n");
            } catch (TimedOut e) {
                out.append("T\n");
            }
        }
        System.out.print(out);
    }
}

// The reference for pattern semantics: java.util.regex, which AWS's models are written for.
// Reads lines "<pattern hex>\t<input hex>" (UTF-8, hex-encoded) and prints, per line, 1 when
// Pattern.compile(pattern).matcher(input).find() is true, 0 when false, and E when the pattern
// does not compile.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public class PatternOracle {
    static String decode(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
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
            } else {
                out.append(p.matcher(decode(parts[1])).find() ? "1\n" : "0\n");
            }
        }
        System.out.print(out);
    }
}

package org.swf.testbed.util;

import java.util.regex.Pattern;

/** Masks secrets in text that is shown or stored: broker URLs above all. */
public final class Redaction {

    /** What a masked secret is replaced with. */
    public static final String MASK = "***";

    // Up to the last '@' before the path or query: a password may contain '@' itself.
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/?#,()]*@");
    private static final Pattern SECRET_OPTION = Pattern.compile(
            "(?i)([?&]|^)([\\w.\\-]*(?:user|pass|token|secret|credential)[\\w.\\-]*)=([^&,)]*)");

    private Redaction() {
    }

    /**
     * @param url a URL, possibly a failover URL with nested URLs, or null
     * @return it with user info and the values of secret-bearing query options (passwords,
     *     tokens, key and trust store passwords, user names) replaced by {@code ***}
     */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String withoutUserInfo = USER_INFO.matcher(url).replaceAll(MASK + "@");
        return SECRET_OPTION.matcher(withoutUserInfo).replaceAll("$1$2=" + MASK);
    }
}

package org.swf.testbed.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may log in to the embedded broker and what each of them may do.
 *
 * <p>A testbed home uses {@link #ownerOnly(String, String)}: one user who may do everything. A
 * broker shared by several people lists its users with their roles, and rules that grant each
 * permission on a set of addresses to some roles. Addresses no rule matches are closed to everyone.
 *
 * <p>Artemis applies only the <em>most specific</em> rule that matches an address, it does not
 * merge rules: with rules for {@code #} and {@code testbed.alice.#}, the address
 * {@code testbed.alice.control} gets exactly what the second rule grants. So a catch-all rule
 * (for shared topics and temporary reply queues) must never open someone's private addresses, and
 * every private address needs a rule of its own; otherwise another user could create a queue on it
 * and take its messages.
 *
 * <p>Passwords are kept in memory only and never appear in {@link #toString()}.
 *
 * @param users who may log in; at least one, names unique
 * @param rules the permissions per address match; matches unique, roles held by some user
 */
public record BrokerSecurity(List<User> users, List<Rule> rules) {

    /** The role {@link #ownerOnly(String, String)} gives its user. */
    public static final String OWNER_ROLE = "owner";

    /** Copies the lists and checks that names and matches are unique and every role exists. */
    public BrokerSecurity {
        if (users == null || users.isEmpty()) {
            throw new IllegalArgumentException("Broker security needs at least one user; without users nobody could log in."
                    + " Use BrokerSecurity.ownerOnly(user, password) for a private broker");
        }
        users = List.copyOf(users);
        rules = rules == null ? List.of() : List.copyOf(rules);
        Set<String> names = new HashSet<>();
        Set<String> roles = new HashSet<>();
        for (User user : users) {
            if (!names.add(user.name())) {
                throw new IllegalArgumentException("Broker user '" + user.name() + "' is listed twice; list each user once");
            }
            roles.addAll(user.roles());
        }
        Set<String> matches = new HashSet<>();
        for (Rule rule : rules) {
            if (!matches.add(rule.match())) {
                // Artemis keeps one role set per match, so the second rule would silently replace the first.
                throw new IllegalArgumentException("Two broker permission rules have the match '" + rule.match()
                        + "'; merge them into one rule");
            }
            for (String role : rule.roles()) {
                if (!roles.contains(role)) {
                    throw new IllegalArgumentException("Broker permission rule '" + rule.match() + "' grants to role '"
                            + role + "', which no user has; fix the role name or give it to a user");
                }
            }
        }
    }

    /**
     * The security of a testbed home's own broker: one user, who may do everything everywhere.
     *
     * @param user the user name
     * @param password the password
     * @return security with that one user in the role {@link #OWNER_ROLE} and all permissions on
     *     every address ({@code #})
     */
    public static BrokerSecurity ownerOnly(String user, String password) {
        return new BrokerSecurity(List.of(new User(user, password, Set.of(OWNER_ROLE))),
                List.of(Rule.of("#").grant(Permission.all(), OWNER_ROLE)));
    }

    /**
     * @param user the name of a user
     * @return whether that user is listed
     */
    public boolean hasUser(String user) {
        return users.stream().anyMatch(u -> u.name().equals(user));
    }

    /** @return a description with user names, roles and rules, without passwords */
    @Override
    public String toString() {
        return "BrokerSecurity[users=" + users + ", rules=" + rules + "]";
    }

    /**
     * One user of the broker.
     *
     * <p>Names and passwords are printable ASCII: SCRAM (the login our clients use) is defined on
     * ASCII here, both in Qpid JMS and in Artemis. Names also leave out white space, {@code ,} and
     * {@code =}, which SCRAM escapes and Artemis does not unescape.
     *
     * @param name the user name
     * @param password the password, not blank
     * @param roles the roles the user has; may be empty
     */
    public record User(String name, String password, Set<String> roles) {

        /** Validates the name, the password and the role names. */
        public User {
            requireName("Broker user name", name);
            if (password == null || password.isBlank()) {
                throw new IllegalArgumentException("The password of broker user '" + name + "' is blank; set one");
            }
            if (!password.chars().allMatch(User::printableAscii)) {
                throw new IllegalArgumentException("The password of broker user '" + name + "' has a character that is"
                        + " not printable ASCII; SCRAM logins need printable ASCII passwords, so choose another");
            }
            roles = roles == null ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(roles));
            for (String role : roles) {
                requireName("The role of broker user '" + name + "'", role);
            }
        }

        /** @return a description without the password */
        @Override
        public String toString() {
            return "User[name=" + name + ", password=***, roles=" + roles + "]";
        }

        private static boolean printableAscii(int c) {
            return c >= 0x20 && c < 0x7f;
        }
    }

    /**
     * What Artemis lets a role do on an address. Queue permissions apply to the queues on the
     * address: a consumer of a queue auto-creates a durable queue, a topic subscriber a
     * non-durable one, a temporary reply queue is non-durable.
     */
    public enum Permission {
        /** Send messages to the address. */
        SEND,
        /** Consume messages from queues on the address. */
        CONSUME,
        /** Create a non-durable queue (topic subscriptions, temporary queues). */
        CREATE_NON_DURABLE_QUEUE,
        /** Delete a non-durable queue. */
        DELETE_NON_DURABLE_QUEUE,
        /** Create a durable queue (what a queue consumer auto-creates). */
        CREATE_DURABLE_QUEUE,
        /** Delete a durable queue. */
        DELETE_DURABLE_QUEUE,
        /** Create the address itself (auto-creation on first use). */
        CREATE_ADDRESS,
        /** Delete the address. */
        DELETE_ADDRESS,
        /** Browse queues without consuming. */
        BROWSE,
        /** Invoke management operations (the management address). */
        MANAGE;

        /** @return every permission */
        public static Set<Permission> all() {
            return EnumSet.allOf(Permission.class);
        }
    }

    /**
     * The permissions on the addresses an Artemis match selects.
     *
     * @param match an Artemis address match: words separated by {@code .}, {@code *} for one
     *     word, {@code #} for any number, e.g. {@code testbed.alice.#}
     * @param grants for each permission, the roles that have it; permissions not listed are
     *     granted to nobody
     */
    public record Rule(String match, Map<Permission, Set<String>> grants) {

        /** Validates the match and the role names, and copies the grants. */
        public Rule {
            requireName("A broker permission rule's match", match);
            Map<Permission, Set<String>> copy = new EnumMap<>(Permission.class);
            if (grants != null) {
                for (Map.Entry<Permission, Set<String>> grant : grants.entrySet()) {
                    if (grant.getKey() == null) {
                        throw new IllegalArgumentException("Broker permission rule '" + match + "' has a null permission");
                    }
                    Set<String> roles = grant.getValue() == null ? Set.of() : new TreeSet<>(grant.getValue());
                    for (String role : roles) {
                        requireName("A role in broker permission rule '" + match + "'", role);
                    }
                    if (!roles.isEmpty()) {
                        copy.put(grant.getKey(), Collections.unmodifiableSet(roles));
                    }
                }
            }
            grants = Collections.unmodifiableMap(copy);
        }

        /**
         * @param match an Artemis address match
         * @return a rule that grants nothing yet
         */
        public static Rule of(String match) {
            return new Rule(match, Map.of());
        }

        /**
         * @param permissions what to grant
         * @param roles to whom
         * @return this rule with those permissions also granted to those roles
         */
        public Rule grant(Set<Permission> permissions, String... roles) {
            Map<Permission, Set<String>> more = new LinkedHashMap<>(grants);
            for (Permission permission : permissions) {
                Set<String> holders = new LinkedHashSet<>(more.getOrDefault(permission, Set.of()));
                holders.addAll(Arrays.asList(roles));
                more.put(permission, holders);
            }
            return new Rule(match, more);
        }

        /**
         * @param permission what to grant
         * @param roles to whom
         * @return this rule with that permission also granted to those roles
         */
        public Rule grant(Permission permission, String... roles) {
            return grant(EnumSet.of(permission), roles);
        }

        /** @return every role this rule grants something to */
        public Set<String> roles() {
            Set<String> all = new TreeSet<>();
            grants.values().forEach(all::addAll);
            return all;
        }

        /**
         * @param role a role
         * @return what this rule grants to it
         */
        public Set<Permission> permissionsOf(String role) {
            List<Permission> granted = new ArrayList<>();
            grants.forEach((permission, roles) -> {
                if (roles.contains(role)) {
                    granted.add(permission);
                }
            });
            return granted.isEmpty() ? EnumSet.noneOf(Permission.class) : EnumSet.copyOf(granted);
        }
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is blank; give a name");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c >= 0x7f || c == ',' || c == '=') {
                throw new IllegalArgumentException(what + " '" + printable(value) + "' has the character "
                        + describe(c) + " at position " + (i + 1) + "; use printable ASCII without spaces, ',' or '='");
            }
        }
    }

    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.chars().forEach(c -> out.append(Character.isISOControl(c) ? '?' : (char) c));
        return out.toString();
    }

    private static String describe(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c) ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
}

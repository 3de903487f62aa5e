package org.swf.testbed.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swf.testbed.broker.BrokerSecurity.Permission;
import org.swf.testbed.broker.BrokerSecurity.Rule;
import org.swf.testbed.broker.BrokerSecurity.User;

class BrokerSecurityTest {

    @Test
    void ownerOnlyGivesOneUserEverythingEverywhere() {
        BrokerSecurity security = BrokerSecurity.ownerOnly("alice", "pw-123");

        assertThat(security.users()).singleElement().satisfies(user -> {
            assertThat(user.name()).isEqualTo("alice");
            assertThat(user.roles()).containsExactly(BrokerSecurity.OWNER_ROLE);
        });
        assertThat(security.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.match()).isEqualTo("#");
            assertThat(rule.permissionsOf(BrokerSecurity.OWNER_ROLE)).isEqualTo(Permission.all());
        });
        assertThat(security.hasUser("alice")).isTrue();
        assertThat(security.hasUser("bob")).isFalse();
    }

    @Test
    void toStringNeverShowsAPassword() {
        BrokerSecurity security = new BrokerSecurity(
                List.of(new User("alice", "s3cret-a", Set.of("a")), new User("bob", "s3cret-b", Set.of("b"))),
                List.of(Rule.of("testbed.alice.#").grant(Permission.SEND, "a")));

        assertThat(security.toString()).contains("alice", "bob", "testbed.alice.#")
                .doesNotContain("s3cret-a", "s3cret-b");
        assertThat(security.users().get(0).toString()).doesNotContain("s3cret");
    }

    @Test
    void rulesCollectGrantsPerPermission() {
        Rule rule = Rule.of("epictopic").grant(EnumSet.of(Permission.SEND, Permission.CONSUME), "a", "b")
                .grant(Permission.CREATE_ADDRESS, "a");

        assertThat(rule.grants().get(Permission.SEND)).containsExactly("a", "b");
        assertThat(rule.permissionsOf("a")).containsExactlyInAnyOrder(Permission.SEND, Permission.CONSUME,
                Permission.CREATE_ADDRESS);
        assertThat(rule.permissionsOf("b")).containsExactlyInAnyOrder(Permission.SEND, Permission.CONSUME);
        assertThat(rule.permissionsOf("c")).isEmpty();
        assertThat(rule.roles()).containsExactly("a", "b");
    }

    @Test
    void refusesBlankOrControlCharacterNamesAndPasswords() {
        assertThatThrownBy(() -> BrokerSecurity.ownerOnly(" ", "pw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> BrokerSecurity.ownerOnly(null, "pw")).hasMessageContaining("blank");
        assertThatThrownBy(() -> BrokerSecurity.ownerOnly("alice", " "))
                .hasMessageContaining("password of broker user 'alice' is blank");
        assertThatThrownBy(() -> BrokerSecurity.ownerOnly("alice", null)).hasMessageContaining("blank");
        assertThatThrownBy(() -> BrokerSecurity.ownerOnly("al\nice", "pw"))
                .hasMessageContaining("U+000A").hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> BrokerSecurity.ownerOnly("alice", "pw\u0000x"))
                .hasMessageContaining("not printable ASCII").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> BrokerSecurity.ownerOnly("alice", "pässword"))
                .hasMessageContaining("SCRAM");
        assertThatThrownBy(() -> BrokerSecurity.ownerOnly("a,b", "pw")).hasMessageContaining("','");
        assertThatThrownBy(() -> BrokerSecurity.ownerOnly("a b", "pw")).hasMessageContaining("U+0020");
    }

    @Test
    void refusesDuplicateUsersDuplicateMatchesAndUnknownRoles() {
        User alice = new User("alice", "pw", Set.of("a"));
        assertThatThrownBy(() -> new BrokerSecurity(List.of(alice, alice), List.of()))
                .hasMessageContaining("'alice' is listed twice");
        assertThatThrownBy(() -> new BrokerSecurity(List.of(alice),
                List.of(Rule.of("#").grant(Permission.SEND, "a"), Rule.of("#").grant(Permission.CONSUME, "a"))))
                .hasMessageContaining("match '#'").hasMessageContaining("merge");
        assertThatThrownBy(() -> new BrokerSecurity(List.of(alice), List.of(Rule.of("#").grant(Permission.SEND, "typo"))))
                .hasMessageContaining("role 'typo', which no user has");
        assertThatThrownBy(() -> new BrokerSecurity(List.of(), List.of()))
                .hasMessageContaining("at least one user");
        assertThatThrownBy(() -> Rule.of(" ")).hasMessageContaining("match is blank");
        assertThatThrownBy(() -> Rule.of("#").grant(Permission.SEND, "bad role")).hasMessageContaining("U+0020");
    }

    @Test
    void tlsNeedsAReadableKeyStoreAndHidesItsPassword(@TempDir Path dir) throws Exception {
        Path keyStore = Files.writeString(dir.resolve("broker.p12"), "not really");

        BrokerTls tls = new BrokerTls(keyStore, "ks-secret");

        assertThat(tls.toString()).contains("broker.p12").doesNotContain("ks-secret");
        assertThatThrownBy(() -> new BrokerTls(dir.resolve("missing.p12"), "pw"))
                .hasMessageContaining("missing.p12").hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> new BrokerTls(dir, "pw")).hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> new BrokerTls(keyStore, null)).hasMessageContaining("password");
        assertThatThrownBy(() -> new BrokerTls(null, "pw")).hasMessageContaining("not set");
    }
}

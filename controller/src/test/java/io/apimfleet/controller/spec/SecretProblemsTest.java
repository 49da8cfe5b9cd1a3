package io.apimfleet.controller.spec;

import static io.apimfleet.controller.spec.SpecCheck.problemsIn;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Secrets are referenced as ${secret:NAME}, never written inline, and never echoed back. */
class SecretProblemsTest {

    @Test
    void anInlineAdminPasswordIsReportedWithoutItsValue() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin:
                  password: correct-horse
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:4:13: admin.password is written inline; write ${secret:NAME} and "
                + "store the value with fleet secret set NAME (or fleet apply --secrets FILE)");
    }

    @Test
    void anInlineDatabasePasswordIsReported() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                databases:
                  apimgt: { url: "jdbc:mysql://db.example:3306/apimgtdb", username: apimgt, password: s3cret }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:5:87: databases.apimgt.password is written inline; write "
                + "${secret:NAME} and store the value with fleet secret set NAME (or fleet apply --secrets FILE)");
    }

    @Test
    void aPasswordMustBeExactlyOneReference() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "pre-${secret:admin}" }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:3:20: admin.password must be exactly one ${secret:NAME} "
                + "reference, NAME made of letters, digits, '.', '_' and '-'");
    }

    @Test
    void anAdminPasswordIsRequired() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { username: root }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly(
                "cluster.yaml:3:8: missing field 'password' in admin; add password: ${secret:admin-password}");
    }

    @Test
    void aPasswordInAJdbcUrlIsReported() {
        assertThat(problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: "${secret:admin}" }
                databases:
                  usermgt:
                    url: jdbc:mysql://db.example:3306/userdb?user=u&password=hunter2
                nodes:
                  - { name: km1, role: key-manager, host: km1.example }
                """)).containsExactly("cluster.yaml:6:10: databases.usermgt.url carries a password; move it to "
                + "databases.usermgt.password: ${secret:NAME}");
    }

    @Test
    void noMessageEverContainsAnInlineSecret() {
        List<String> problems = problemsIn("""
                apiVersion: apim-fleet/v1
                cluster: demo
                admin: { password: hunter2-admin }
                databases:
                  apimgt: { url: "jdbc:mysql://db/a?password=hunter2-url", password: hunter2-apimgt }
                  usermgt: { url: "jdbc:mysql://db/u", password: "${secret:hunter2 spaced}" }
                  registry: { url: "jdbc:mysql://db/r", password: [hunter2-list] }
                  extra: { password: hunter2-unknown }
                nodes:
                  - { name: km1, role: key-manager, host: km1.example, token: hunter2-token }
                """);

        assertThat(problems).hasSize(7).noneMatch(problem -> problem.contains("hunter2"));
    }
}

package io.certdesk;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** certdesk: client-certificate onboarding by mail, with approval in the Camunda Tasklist. */
@SpringBootApplication
public class CertdeskApplication {

    public static void main(String[] args) {
        SpringApplication.run(CertdeskApplication.class, args);
    }
}

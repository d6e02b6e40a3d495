package io.certdesk.web;

import java.util.Map;

import io.certdesk.authority.UnknownEnvironmentException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** An environment certdesk has no CA for: 404 naming the ones it has. */
@RestControllerAdvice
public class UnknownEnvironmentAdvice {

    @ExceptionHandler(UnknownEnvironmentException.class)
    ResponseEntity<Map<String, Object>> unknownEnvironment(UnknownEnvironmentException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", e.getMessage()));
    }
}

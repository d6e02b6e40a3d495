# certdesk image: built from this repository, runs in production mode unless told otherwise.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY bpmn bpmn
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --home /app certdesk
WORKDIR /app
COPY --from=build /src/target/certdesk-*.jar /app/certdesk.jar
COPY config /app/config
USER certdesk
EXPOSE 8080
ENV SPRING_PROFILES_ACTIVE=production
ENTRYPOINT ["java", "-jar", "/app/certdesk.jar"]

package dev.shardline.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcUrlsTests {

	@Test
	void movesQueryParameterCredentialsOut() {
		JdbcUrls.Credentials credentials = JdbcUrls
			.split("jdbc:mysql://db1:3306/app?user=app&password=S3cr3t-Zebra&useSSL=false");
		assertThat(credentials.url()).isEqualTo("jdbc:mysql://db1:3306/app?useSSL=false");
		assertThat(credentials.user()).isEqualTo("app");
		assertThat(credentials.password()).isEqualTo("S3cr3t-Zebra");
		assertThat(credentials.toString()).doesNotContain("S3cr3t-Zebra");
	}

	@Test
	void movesUserInfoOut() {
		JdbcUrls.Credentials credentials = JdbcUrls.split("jdbc:mysql://app:S3cr3t-Zebra@db1:3306/app");
		assertThat(credentials.url()).isEqualTo("jdbc:mysql://db1:3306/app");
		assertThat(credentials.user()).isEqualTo("app");
		assertThat(credentials.password()).isEqualTo("S3cr3t-Zebra");
	}

	@Test
	void handlesH2StyleAndKeyValueForms() {
		assertThat(JdbcUrls.safe("jdbc:h2:mem:a;MODE=MySQL;PASSWORD=S3cr3t-Zebra")).isEqualTo("jdbc:h2:mem:a;MODE=MySQL");
		assertThat(JdbcUrls.safe("jdbc:mysql://(host=db1,port=3306,password=S3cr3t-Zebra)/app"))
			.doesNotContain("S3cr3t-Zebra")
			.contains("host=db1");
		assertThat(JdbcUrls.safe("jdbc:mysql://db1/app?password=S3cr3t-Zebra")).isEqualTo("jdbc:mysql://db1/app");
	}

	@Test
	void leavesUrlsWithoutCredentialsAlone() {
		assertThat(JdbcUrls.safe("jdbc:mysql://127.0.0.1:33100/app?useSSL=false"))
			.isEqualTo("jdbc:mysql://127.0.0.1:33100/app?useSSL=false");
		assertThat(JdbcUrls.split("jdbc:mysql://db1/app").password()).isNull();
	}

}

package com.metricstream.flink.parse;

import com.metricstream.flink.model.ParsedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PointJsonParserTest {
    private final PointJsonParser parser = new PointJsonParser();

    private ParsedRecord parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), "metrics-0@7");
    }

    private static Map<String, Double> fields(ParsedRecord r) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < r.fieldKeys.length; i++) m.put(r.fieldKeys[i], r.fieldValues[i]);
        return m;
    }

    @Test
    void parsesTheWireFormatExample() {
        // the example of docs/wire-format.md, verbatim
        ParsedRecord r = parse("{\"v\":1,\"m\":\"cpu\",\"t\":{\"cpu\":\"cpu-total\",\"host\":\"web-017\"},"
                + "\"f\":{\"usage_active\":71.5,\"procs\":{\"i\":\"312\"},\"ticks\":{\"u\":\"9007199254740993\"},\"state\":\"ok\",\"up\":true},"
                + "\"ts\":\"1764230400000000000\",\"rcv\":1764230400123,\"db\":\"telegraf\"}");

        assertThat(r.isValid()).isTrue();
        assertThat(r.seriesKey).isEqualTo("cpu,cpu=cpu-total,host=web-017");
        assertThat(r.timestampMs).isEqualTo(1764230400000L);
        // strings and booleans are not aggregated; integers and unsigned integers are numbers
        assertThat(fields(r)).containsExactly(
                Map.entry("usage_active", 71.5), Map.entry("procs", 312.0), Map.entry("ticks", 9.007199254740992E15));
    }

    @Test
    void sortsAndEscapesTagsIntoTheSeriesKey() {
        ParsedRecord r = parse("{\"v\":1,\"m\":\"disk io\",\"t\":{\"path\":\"/mnt/a b\",\"host\":\"h,1\",\"dev=x\":\"sda\",\"empty\":\"\"},"
                + "\"f\":{\"used percent\":1},\"ts\":\"1000000\"}");

        assertThat(r.isValid()).isTrue();
        assertThat(r.seriesKey).isEqualTo("disk\\ io,dev\\=x=sda,host=h\\,1,path=/mnt/a\\ b");
        assertThat(r.fieldKeys).containsExactly("used\\ percent");
        assertThat(r.timestampMs).isEqualTo(1L);
        assertThat(LineProtocol.tagsOf(r.seriesKey)).containsExactly(
                Map.entry("dev=x", "sda"), Map.entry("host", "h,1"), Map.entry("path", "/mnt/a b"));
        assertThat(LineProtocol.measurementOf(r.seriesKey)).isEqualTo("disk io");
    }

    @Test
    void negativeSignedIntegersAndLargeUnsignedIntegers() {
        ParsedRecord r = parse("{\"v\":1,\"m\":\"x\",\"f\":{\"a\":{\"i\":\"-42\"},\"b\":{\"u\":\"18446744073709551615\"}},\"ts\":\"5\"}");
        assertThat(fields(r)).containsEntry("a", -42.0).containsEntry("b", 1.8446744073709552E19);
    }

    @Test
    void aRecordWithOnlyStringFieldsIsValidButCarriesNoNumbers() {
        ParsedRecord r = parse("{\"v\":1,\"m\":\"syslog\",\"f\":{\"message\":\"hello\"},\"ts\":\"1\"}");
        assertThat(r.isValid()).isTrue();
        assertThat(r.fieldKeys).isEmpty();
    }

    @Test
    void unknownMembersAreSkipped() {
        ParsedRecord r = parse("{\"v\":1,\"x\":{\"nested\":[1,2,{\"a\":3}]},\"m\":\"x\",\"f\":{\"a\":1},\"ts\":\"1\"}");
        assertThat(r.isValid()).isTrue();
        assertThat(fields(r)).containsExactly(Map.entry("a", 1.0));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "not json at all|not JSON",
            "[1,2]|not a JSON object",
            "{\"m\":\"x\",\"f\":{\"a\":1},\"ts\":\"1\"}|v missing",
            "{\"v\":2,\"m\":\"x\",\"f\":{\"a\":1},\"ts\":\"1\"}|unknown version v=2",
            "{\"v\":1,\"m\":\"\",\"f\":{\"a\":1},\"ts\":\"1\"}|m missing or empty",
            "{\"v\":1,\"f\":{\"a\":1},\"ts\":\"1\"}|m missing or empty",
            "{\"v\":1,\"m\":\"x\",\"f\":{},\"ts\":\"1\"}|f missing or empty",
            "{\"v\":1,\"m\":\"x\",\"ts\":\"1\"}|f missing or empty",
            "{\"v\":1,\"m\":\"x\",\"f\":{\"a\":1},\"ts\":\"12a\"}|ts is not a decimal integer: 12a",
            "{\"v\":1,\"m\":\"x\",\"f\":{\"a\":1},\"ts\":\"-5\"}|ts is not a decimal integer: -5",
            "{\"v\":1,\"m\":\"x\",\"f\":{\"a\":1},\"ts\":1}|ts is not a string",
            "{\"v\":1,\"m\":\"x\",\"f\":{\"a\":1}}|ts missing",
            "{\"v\":1,\"m\":\"x\",\"f\":{\"a\":{\"i\":\"1.5\"}},\"ts\":\"1\"}|field a: bad integer 1.5",
            "{\"v\":1,\"m\":\"x\",\"f\":{\"a\":[1]},\"ts\":\"1\"}|field a: unsupported value",
            "{\"v\":1,\"m\":\"x\",\"t\":{\"h\":1},\"f\":{\"a\":1},\"ts\":\"1\"}|tag h is not a string",
            "{\"v\":1,\"m\":\"x\",\"f\":{\"a\":1},\"ts\":\"1\"} {}|trailing data after the object",
            "{\"v\":1,\"m\":\"x\",\"f\":{\"a\":1},\"ts\":\"1\"|not JSON",
    })
    void malformedRecordsComeBackFlaggedWithTheReason(String json, String reason) {
        ParsedRecord r = parse(json);
        assertThat(r.isValid()).isFalse();
        assertThat(r.error).startsWith(reason);
        assertThat(r.raw).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
        assertThat(r.origin).isEqualTo("metrics-0@7");
    }

    @Test
    void emptyAndNullValuesAreMalformed() {
        assertThat(parser.parse(new byte[0], "o").error).isEqualTo("empty value");
        assertThat(parser.parse(null, "o").error).isEqualTo("empty value");
    }

    @Test
    void parsesARangeOfALargerBufferInPlace() {
        String point = "{\"v\":1,\"m\":\"m\",\"t\":{\"host\":\"a\"},\"f\":{\"x\":2},\"ts\":\"60000000000\"}";
        String bad = "{\"v\":1,\"m\":\"m\"}";
        byte[] buf = ("garbage" + point + "{}" + bad + "tail").getBytes(StandardCharsets.UTF_8);
        int at = "garbage".length();

        ParsedRecord ok = parser.parse(buf, at, point.length(), "o");
        assertThat(ok.isValid()).isTrue();
        assertThat(ok.seriesKey).isEqualTo("m,host=a");
        assertThat(fields(ok)).containsExactly(Map.entry("x", 2.0));
        assertThat(ok.timestampMs).isEqualTo(60_000L);

        int badAt = at + point.length() + 2;
        ParsedRecord r = parser.parse(buf, badAt, bad.length(), "o#2");
        assertThat(r.error).isEqualTo("f missing or empty");
        assertThat(r.origin).isEqualTo("o#2");
        assertThat(new String(r.raw, StandardCharsets.UTF_8)).isEqualTo(bad); // only the range, not the buffer

        assertThat(parser.parse(buf, at, 0, "o").error).isEqualTo("empty value");
        assertThat(parser.parse(buf, at, point.length() - 1, "o").error).startsWith("not JSON");
    }

    @Test
    void theParserRecoversAfterAMalformedRecord() {
        assertThat(parse("{\"v\":1,").isValid()).isFalse();
        ParsedRecord ok = parse("{\"v\":1,\"m\":\"m\",\"t\":{\"host\":\"a\"},\"f\":{\"x\":2},\"ts\":\"60000000000\"}");
        assertThat(ok.isValid()).isTrue();
        assertThat(ok.seriesKey).isEqualTo("m,host=a");
        assertThat(ok.timestampMs).isEqualTo(60_000L);
    }
}

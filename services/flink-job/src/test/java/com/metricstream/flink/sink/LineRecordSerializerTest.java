package com.metricstream.flink.sink;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LineRecordSerializerTest {

    @Test
    void oneRecordPerLineKeyedByItsSeriesWithTheProducersTimestamp() {
        String line = "mem,host=db\\ 1,path=/a\\,b used_percent_count=3i,used_percent_mean=81.5 1767225600000";
        ProducerRecord<byte[], byte[]> r = new LineRecordSerializer("aggs").serialize(line, null, 42L);
        assertThat(r.topic()).isEqualTo("aggs");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("mem,host=db\\ 1,path=/a\\,b");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(line);
        // null: the producer stamps the write time, which a restore's --to-datetime reset compares with
        assertThat(r.timestamp()).isNull();
        assertThat(r.partition()).isNull();
    }

    @Test
    void escapedSpacesInTheMeasurementStayInTheKey() {
        assertThat(LineRecordSerializer.seriesKey("a\\ b,t=x f=1 0")).isEqualTo("a\\ b,t=x");
        assertThat(LineRecordSerializer.seriesKey("alerts,host=h,rule=cpu value=1,reason=\"a b\" 5")).isEqualTo("alerts,host=h,rule=cpu");
    }
}

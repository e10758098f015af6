package dev.awdlm.retrain;

import dev.awdlm.testing.MiniDfsExtension;
import dev.awdlm.testing.MiniDfsExtension.Hdfs;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link LeaseTest}'s races on a MiniDFSCluster, where publishing a generation is a NameNode rename. */
@ExtendWith(MiniDfsExtension.class)
class LeaseHdfsIT {
  @Test
  void ofTakersStartedAtOnceOnAFreeLeaseExactlyOneHoldsIt(Hdfs hdfs) throws Exception {
    LeaseTest.assertExactlyOneHolderPerRound(hdfs.conf(), new Path(hdfs.path("/free")), 20, false);
  }

  @Test
  void ofTakersStartedAtOnceOnAStaleLeaseExactlyOneHoldsIt(Hdfs hdfs) throws Exception {
    LeaseTest.assertExactlyOneHolderPerRound(hdfs.conf(), new Path(hdfs.path("/stale")), 20, true);
  }
}

"""Airflow DAG for scheduled awdlm retraining.

One task, ``retrain``, runs ``awdlm retrain`` with SparkSubmitOperator: it prepares the day's
corpus snapshot with the champion's vocabulary, warm-starts a challenger, evaluates challenger and
champion on the same held-out split, and promotes the challenger only if it is better. The run id
is the logical date (``{{ ds }}``), so a retried or re-triggered task for the same day finds the
run finished and does nothing, or resumes it if it crashed.

Exit code 3 means the registry's lease is held by another retrain; the task fails and Airflow's
retries run it again later. ``max_active_runs=1`` keeps this DAG from racing itself.

Set the Airflow Variables ``awdlm_app_jar``, ``awdlm_registry`` and ``awdlm_snapshots`` (a URI
prefix; the snapshot for a day is ``<prefix>/<ds>``), and a ``spark_default`` connection to the
cluster.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

AWDLM_HOME = "/opt/awdlm"

with DAG(
    dag_id="awdlm_retrain",
    schedule="30 2 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 3, "retry_delay": timedelta(minutes=20)},
    tags=["awdlm"],
) as dag:
    SparkSubmitOperator(
        task_id="retrain",
        conn_id="spark_default",
        application=Variable.get("awdlm_app_jar", f"{AWDLM_HOME}/target/awdlm-0.1.0-SNAPSHOT-app.jar"),
        java_class="dev.awdlm.cli.AwdlmCommand",
        properties_file=f"{AWDLM_HOME}/conf/spark-yarn.properties",
        files=f"{AWDLM_HOME}/conf/cluster.conf,{AWDLM_HOME}/conf/log4j2.properties",
        application_args=[
            "retrain",
            "--config", "cluster.conf",
            "--registry", Variable.get("awdlm_registry", "hdfs:///models/awdlm"),
            "--data", Variable.get("awdlm_snapshots", "hdfs:///corpora/news/snapshots") + "/{{ ds }}",
            "--run-id", "{{ ds }}",
        ],
    )

"""Batch processing: every return in folders, ZIP archives, e-mails and mailboxes, in parallel, resumable.

    inputs ─► sources.plan_inputs()          folders, files → returns + containers
           ─► containers.expand_container()  zip / eml / mbox / msg → attachments (in a limited worker)
           ─► run.run_batch()                duplicate? already done (skipped)? → to extract
           ─► runner.run_tasks(work.extract_item)   long-lived workers, time limit per file, memory cap per worker
              or dask_runner.run_on_cluster()       --scheduler: each extraction a task on a Dask cluster (dask_task)
           ─► dedupe.reconcile()             corrected resends: newest current, older superseded
           ─► manifest.Manifest              DIR/manifest.jsonl, one fsynced line per input

`command.batch_command` is the ``extractor batch`` command; settings and limits are in
``patterns/batch.yaml``.
"""

set -e
TARGET_DB="syrf_pr_${PR_NUM}"

echo "=== Restoring Snapshot to $TARGET_DB ==="
echo "Using \$out aggregation (data stays in Atlas)"
echo "Timestamp: $(date -Iseconds)"

# ============================================================
# CRITICAL: Validate target database name (defense in depth)
# ============================================================
validate_target_db() {
  local target="$1"

  # Must match syrf_pr_N pattern
  if [[ ! "$target" =~ ^syrf_pr_[0-9]+$ ]]; then
    echo "FATAL: Invalid target database name: $target"
    echo "Expected pattern: syrf_pr_N (e.g., syrf_pr_123)"
    exit 1
  fi

  # Explicit blocklist (belt and suspenders)
  case "$target" in
    syrftest|syrfdev|syrf_snapshot|syrf_staging|admin|local|config)
      echo "FATAL: Cannot target protected database: $target"
      exit 1
      ;;
  esac

  echo "✓ Target database validated: $target"
}

validate_target_db "$TARGET_DB"

# ============================================================
# Wait for snapshot to be available
# ============================================================
MAX_RETRIES=12
RETRY_INTERVAL=30
echo "Checking snapshot availability..."

for i in $(seq 1 $MAX_RETRIES); do
  METADATA=$(mongosh "$MONGODB_URI" --quiet --eval "
    JSON.stringify(db.getSiblingDB('syrf_snapshot').snapshot_metadata.findOne({_id: 'latest'}))
  ")

  if [ -n "$METADATA" ] && [ "$METADATA" != "null" ]; then
    echo "Snapshot available: $METADATA"
    SNAPSHOT_TIME=$(echo "$METADATA" | grep -oP '"timestamp":\s*"\K[^"]+' || echo "unknown")
    echo "Snapshot timestamp: $SNAPSHOT_TIME"
    break
  fi

  if [ $i -eq $MAX_RETRIES ]; then
    echo "ERROR: Snapshot not available after $MAX_RETRIES retries"
    echo "Options:"
    echo "  1. Wait for Sunday 3 AM UTC weekly snapshot"
    echo "  2. Trigger on-demand snapshot via GitHub Actions"
    echo "  3. Remove 'use-snapshot' label to use seed data"
    exit 1
  fi

  echo "Waiting for snapshot... (attempt $i/$MAX_RETRIES)"
  sleep $RETRY_INTERVAL
done

# ============================================================
# Get collection list from snapshot metadata
# ============================================================
COLLECTIONS=$(mongosh "$MONGODB_URI" --quiet --eval "
  db.getSiblingDB('syrf_snapshot').snapshot_metadata.findOne({_id: 'latest'}).collections.join(' ')
")
echo "Collections to restore: $COLLECTIONS"

# ============================================================
# Drop existing collections in target database
# ============================================================
echo ""
echo "Step 1: Clearing target database..."
mongosh "$MONGODB_URI" --quiet --eval "
  const targetDb = db.getSiblingDB('$TARGET_DB');
  targetDb.getCollectionNames().forEach(c => {
    print('Dropping: ' + c);
    targetDb.getCollection(c).drop();
  });
"

# ============================================================
# Copy each collection using $out (stays within Atlas)
# ============================================================
echo ""
echo "Step 2: Copying collections via \$out aggregation..."
echo "(Data stays within Atlas cluster - no network transfer)"

for col in $COLLECTIONS; do
  echo "Copying: $col"
  mongosh "$MONGODB_URI" --quiet --eval "
    const startTime = Date.now();
    db.getSiblingDB('syrf_snapshot').getCollection('$col').aggregate([
      { \$out: { db: '$TARGET_DB', coll: '$col' } }
    ]).toArray();
    const count = db.getSiblingDB('$TARGET_DB').getCollection('$col').countDocuments();
    const elapsed = ((Date.now() - startTime) / 1000).toFixed(1);
    print('  ✓ $col: ' + count + ' documents (' + elapsed + 's)');
  "
done

# ============================================================
# Verify restore
# ============================================================
echo ""
echo "Step 3: Verification summary..."
mongosh "$MONGODB_URI" --quiet --eval "
  const targetDb = db.getSiblingDB('$TARGET_DB');
  let total = 0;
  targetDb.getCollectionNames().filter(c => c !== 'system.profile').forEach(c => {
    const count = targetDb.getCollection(c).countDocuments();
    total += count;
    print('  ' + c + ': ' + count);
  });
  print('Total documents: ' + total);
"

echo ""
echo "=== Restore Complete ==="
echo "Timestamp: $(date -Iseconds)"

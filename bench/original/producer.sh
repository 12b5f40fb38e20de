set -e
echo "=== Starting Production Snapshot (using \$out aggregation) ==="
echo "Timestamp: $(date -Iseconds)"

# Collections to copy (pm-prefixed + core)
COLLECTIONS="pmProject pmStudy pmInvestigator pmSystematicSearch pmDataExportJob pmStudyCorrection pmInvestigatorUsage pmRiskOfBiasAiJob pmProjectDailyStat pmPotential pmInvestigatorEmail"

echo "Collections to copy: $COLLECTIONS"

# Drop existing snapshot collections first
echo "Clearing existing snapshot database..."
mongosh "$MONGO_URI" --quiet --eval "
  const snapDb = db.getSiblingDB('syrf_snapshot');
  snapDb.getCollectionNames().forEach(c => {
    print('Dropping: ' + c);
    snapDb.getCollection(c).drop();
  });
"

# Copy each collection using $out (stays within Atlas cluster)
for col in $COLLECTIONS; do
  echo "Copying collection: $col"

  mongosh "$MONGO_URI" --quiet --eval "
    const startTime = Date.now();
    const result = db.getSiblingDB('syrftest').getCollection('$col').aggregate([
      { \$out: { db: 'syrf_snapshot', coll: '$col' } }
    ]).toArray();
    const count = db.getSiblingDB('syrf_snapshot').getCollection('$col').countDocuments();
    const elapsed = ((Date.now() - startTime) / 1000).toFixed(1);
    print('  ✓ $col: ' + count + ' documents (' + elapsed + 's)');
  "
done

# Write metadata
echo "Writing snapshot metadata..."
mongosh "$MONGO_URI" --quiet --eval "
  const collections = '$COLLECTIONS'.split(' ');
  db.getSiblingDB('syrf_snapshot').snapshot_metadata.updateOne(
    { _id: 'latest' },
    {
      \$set: {
        timestamp: new Date(),
        source: 'syrftest',
        collections: collections,
        status: 'complete',
        method: '\$out aggregation'
      }
    },
    { upsert: true }
  );
  print('Metadata written successfully');
"

echo "=== Snapshot Complete ==="
echo "Timestamp: $(date -Iseconds)"

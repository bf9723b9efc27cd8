// The cache layout types (HubModelName, HubCache, HubFilePlan, HubError) come with `import BertHub`.
@_exported import BertModelIO

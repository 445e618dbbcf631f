/** The owner S3 names in its answers (ListBuckets, object listings, uploads): one canonical user, the emulator's. */
export const S3_OWNER = { ID: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a', DisplayName: 'localbatch' } as const;

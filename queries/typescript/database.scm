; Decorated entity fields (TypeORM `@Column() clerkId: string`, MikroORM, Typegoose).
(public_field_definition name: (property_identifier) @clerk-id-column)

// Metadata management (元数据管理): the app's events and properties with volumes and last seen
// (within the user's scope; presets have none), display names, descriptions and the hidden flag.
// Staff with metadata.manage edit them in place; the pickers on every analysis page use the
// display names and skip hidden items.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiFailure, api } from '../../api/client.ts';
import { catalogEventsQuery, catalogPropertiesQuery } from '../../api/queries.ts';
import { useScope } from '../../app/scope.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

type Tab = 'events' | 'event' | 'user';
interface Item {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly hidden: boolean;
  readonly volume: number;
  readonly type?: string;
  readonly lastSeen?: string;
}

export default function MetadataPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('events');
  const tabs: Array<[Tab, string]> = [
    ['events', t('meta.events')],
    ['event', t('meta.eventProps')],
    ['user', t('meta.userProps')],
  ];
  return (
    <section aria-labelledby="meta-title">
      <h1 id="meta-title">{t('nav.metadata')}</h1>
      <div role="tablist" aria-label={t('nav.metadata')} className="tabs">
        {tabs.map(([key, label]) => (
          <button key={key} type="button" role="tab" aria-selected={tab === key} onClick={() => setTab(key)}>
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel">{tab === 'events' ? <EventList /> : <PropertyList source={tab} />}</div>
    </section>
  );
}

function EventList() {
  const { appId } = useScope();
  const options = catalogEventsQuery(appId);
  return (
    <ItemTable
      query={useQuery(options)}
      queryKey={options.queryKey}
      patchPath={(name) => `/v1/catalog/events/${encodeURIComponent(name)}`}
    />
  );
}

function PropertyList({ source }: { source: 'event' | 'user' }) {
  const { appId } = useScope();
  const options = catalogPropertiesQuery(appId, source);
  return (
    <ItemTable
      query={useQuery(options)}
      queryKey={options.queryKey}
      patchPath={(name) => `/v1/catalog/properties/${source}/${encodeURIComponent(name)}`}
    />
  );
}

function ItemTable({
  query,
  queryKey,
  patchPath,
}: {
  query: ReturnType<typeof useQuery<Item[]>>;
  queryKey: readonly unknown[];
  patchPath: (name: string) => string;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const scope = useScope();
  const client = useQueryClient();
  const [showHidden, setShowHidden] = useState(true);
  const [editing, setEditing] = useState<Item | null>(null);
  // Names show for every bank, so the API lets only staff of the union node change them.
  const unionStaff = scope.me.orgTier === 'union';
  const canEdit = scope.can('metadata.manage') && unionStaff;
  const patch = useMutation({
    mutationFn: (item: Item) =>
      api(patchPath(item.name), {
        method: 'PATCH',
        body: {
          appId: scope.appId,
          displayName: item.displayName,
          description: item.description,
          hidden: item.hidden,
        },
      }),
    onSuccess: () => {
      setEditing(null);
      void client.invalidateQueries({ queryKey: ['catalog', scope.appId] });
    },
  });
  return (
    <>
      {!canEdit && (
        <p className="small">
          {scope.can('metadata.manage') && !unionStaff ? t('meta.unionOnly') : t('meta.readOnly')}
        </p>
      )}
      <label className="inline">
        <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} />{' '}
        {t('meta.showHidden')}
      </label>
      {patch.isError && (
        <p role="alert" className="error">
          {patch.error instanceof ApiFailure
            ? `${patch.error.code}: ${patch.error.message}`
            : String(patch.error)}
        </p>
      )}
      <QueryState query={query} queryKey={queryKey} isEmpty={(items) => items.length === 0}>
        {(items) => (
          <div className="table-scroll">
            <table data-testid="metadata-table">
              <caption className="sr-only">{t('nav.metadata')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('col.name')}</th>
                  <th scope="col">{t('col.displayName')}</th>
                  <th scope="col">{t('col.description')}</th>
                  {items[0]?.type !== undefined && <th scope="col">{t('col.type')}</th>}
                  <th scope="col">{t('col.lastSeen')}</th>
                  <th scope="col">{t('col.volume')}</th>
                  <th scope="col">{t('col.hidden')}</th>
                  {canEdit && <th scope="col">{t('meta.edit')}</th>}
                </tr>
              </thead>
              <tbody>
                {items
                  .filter((item) => showHidden || !item.hidden)
                  .map((item) =>
                    editing?.name === item.name ? (
                      <tr key={item.name}>
                        <th scope="row">{item.name}</th>
                        <td>
                          <input
                            aria-label={`${t('col.displayName')} ${item.name}`}
                            value={editing.displayName}
                            maxLength={100}
                            onChange={(e) => setEditing({ ...editing, displayName: e.target.value })}
                          />
                        </td>
                        <td>
                          <input
                            aria-label={`${t('col.description')} ${item.name}`}
                            value={editing.description}
                            maxLength={1000}
                            onChange={(e) => setEditing({ ...editing, description: e.target.value })}
                          />
                        </td>
                        {item.type !== undefined && <td>{item.type}</td>}
                        <td>{item.lastSeen ? i18n.instant(item.lastSeen) : ''}</td>
                        <td className="num">{i18n.exact(item.volume)}</td>
                        <td>
                          <input
                            type="checkbox"
                            aria-label={`${t('col.hidden')} ${item.name}`}
                            checked={editing.hidden}
                            onChange={(e) => setEditing({ ...editing, hidden: e.target.checked })}
                          />
                        </td>
                        <td>
                          <button
                            type="button"
                            onClick={() => patch.mutate(editing)}
                            disabled={patch.isPending}
                          >
                            {t('meta.save')}
                          </button>
                          <button type="button" onClick={() => setEditing(null)}>
                            {t('meta.cancel')}
                          </button>
                        </td>
                      </tr>
                    ) : (
                      <tr key={item.name} className={item.hidden ? 'muted' : undefined}>
                        <th scope="row">{item.name}</th>
                        <td>{item.displayName}</td>
                        <td>{item.description}</td>
                        {item.type !== undefined && <td>{item.type}</td>}
                        <td>{item.lastSeen ? i18n.instant(item.lastSeen) : ''}</td>
                        <td className="num" data-value={item.volume}>
                          {i18n.exact(item.volume)}
                        </td>
                        <td>{item.hidden ? `✓ ${t('col.hidden')}` : ''}</td>
                        {canEdit && (
                          <td>
                            <button
                              type="button"
                              aria-label={`${t('meta.edit')} ${item.name}`}
                              onClick={() => setEditing(item)}
                            >
                              {t('meta.edit')}
                            </button>
                          </td>
                        )}
                      </tr>
                    ),
                  )}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </>
  );
}

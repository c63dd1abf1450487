import { createApp } from 'vue';
import { createRouter, createWebHashHistory } from 'vue-router';
import App from './App.vue';
import Overview from './views/Overview.vue';
import EntityList from './views/EntityList.vue';
import EntityDetail from './views/EntityDetail.vue';
import EntityForm from './views/EntityForm.vue';
import Login from './views/Login.vue';
import DeclarativeConfig from './views/DeclarativeConfig.vue';
import { AdminApi, adminApiUrl } from './api';
import { loadNode, store } from './store';
import './style.css';

// Hash URLs (#/services/…): the static server needs no fallback route for deep links.
const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', component: Overview },
    { path: '/login', component: Login },
    { path: '/config', component: DeclarativeConfig },
    { path: '/e/:collection', component: EntityList, props: true },
    { path: '/e/:collection/new', component: EntityForm, props: (r) => ({ collection: r.params.collection, id: '' }) },
    { path: '/e/:collection/:id', component: EntityDetail, props: true },
    { path: '/e/:collection/:id/edit', component: EntityForm, props: true },
    {
      path: '/e/:parentCollection/:parentId/:segment/new',
      component: EntityForm,
      props: (r) => ({ ...r.params, collection: '', id: '' }),
    },
  ],
});

async function start(): Promise<void> {
  store.api = new AdminApi(await adminApiUrl());
  await loadNode();
  const app = createApp(App);
  app.use(router);
  app.mount('#app');
}

void start();
